"""Patches to moto 5.2.1's EKS so that it behaves as the EKS API reference documents."""


def install():
    pass


def reset():
    pass
