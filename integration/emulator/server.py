#!/usr/bin/env python3
"""The eksctl-lite test emulator: moto's server with EKS fidelity patches.

    python3 integration/emulator/server.py --host 127.0.0.1 --port 5055

starts moto 5.2.1's HTTP server (the same WSGI app `python3 -m moto.server`
runs) with:

  * AWS managed IAM policies loaded (MOTO_IAM_LOAD_MANAGED_POLICIES=true), as
    in a real account;
  * eks_fidelity.py: patches that make moto's EKS behave as the EKS API
    reference documents (asynchronous lifecycle, updates, quotas, ...);
  * eks_access.py, eks_addons.py, eks_pod_identity.py: access entries and
    the access config, add-ons, Pod Identity associations (moto has none);
  * eks_versions.py: DescribeClusterVersions, EKS's release calendar (moto
    has none), which also gives CreateCluster its default version;
  * pricing.py: the AWS Price List API (GetProducts, DescribeServices,
    GetAttributeValues) over a small price table (moto has none);
  * eks_launch_templates.py: managed node groups with launch templates
    (validated, versioned, custom AMIs, UpdateNodegroupVersion; issue 11);
  * eks_cluster_sg.py: the cluster security group in EC2 when the
    cluster's subnets are EC2's (issue 11);
  * eks_auto_mode.py: EKS Auto Mode's computeConfig, storageConfig and
    elasticLoadBalancing on CreateCluster and UpdateClusterConfig, with
    AWS's rules (moto drops them; issue 13);
  * eks_connector.py: RegisterCluster/DeregisterCluster, connected clusters
    (EKS Connector; moto has neither; issue 13);
  * iam_fidelity.py: the same for IAM roles (names, trust policies, paging);
  * ssm_eks_ami.py: the EKS optimized and Bottlerocket AMIs as SSM public
    parameters and EC2 images (issue 11);
  * asg_fidelity.py: launch template versions and Auto Scaling groups as
    AWS has them (source versions, instance profiles, subnets, sizes, deletes);
  * autoscaling_refresh.py: Auto Scaling instance refresh, and each
    instance's launch template version and AMI (issue 11);
  * atomic_writes.py: SSM PutParameter with Overwrite=false and S3 PutObject
    with If-None-Match "*" atomic, as on AWS (moto checks, then writes, so
    two concurrent creates can both succeed; issue 14's lock);
  * control.py: test controls under /_eksctl_lite/ (delays, faults, call log).

Lifecycle delays in seconds come from, last one winning: the defaults
(create 2, delete 1, update 1), the environment (EKSCTL_LITE_EMULATOR_CREATE_DELAY,
_DELETE_DELAY, _UPDATE_DELAY), the flags, and at run time POST /_eksctl_lite/config.

EKSCTL_LITE_EMULATOR_DISABLE=name,name switches patches off by name (to see
a test fail without its patch); the names are listed in integration/README.md.
"""

import argparse
import logging
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _parse_args(argv):
    def env_delay(name, default):
        value = os.environ.get("EKSCTL_LITE_EMULATOR_%s_DELAY" % name)
        return float(value) if value else default

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("-p", "--port", type=int, default=5000, help="port to bind (default 5000)")
    p.add_argument("--create-delay", type=float, default=env_delay("CREATE", 2.0),
                   help="seconds a cluster, node group or Fargate profile stays CREATING")
    p.add_argument("--delete-delay", type=float, default=env_delay("DELETE", 1.0),
                   help="seconds a resource stays DELETING before it is gone")
    p.add_argument("--update-delay", type=float, default=env_delay("UPDATE", 1.0),
                   help="seconds an update stays InProgress (resource UPDATING)")
    p.add_argument("--verbose", action="store_true", help="log every request")
    return p.parse_args(argv)


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)

    # Must be set before moto's IAM backend is first built: managed policies
    # such as AmazonEKSClusterPolicy exist in every real AWS account.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    os.environ.setdefault("MOTO_PORT", str(args.port))

    sys.path.insert(0, HERE)
    try:
        from werkzeug.serving import run_simple

        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    except ImportError as e:
        sys.stderr.write(
            "eksctl-lite emulator: cannot import moto's server (%s).\n"
            "Install it with: pip install 'moto[server]==5.2.1'\n" % e
        )
        return 3

    import asg_fidelity
    import atomic_writes
    import autoscaling_refresh
    import control
    import eks_access
    import eks_addons
    import eks_auto_mode
    import eks_cluster_sg
    import eks_connector
    import eks_fidelity
    import eks_launch_templates
    import eks_pod_identity
    import eks_versions
    import iam_fidelity
    import pricing
    import speed
    import ssm_eks_ami

    control.set_launch_delays(
        {
            "create_delay": args.create_delay,
            "delete_delay": args.delete_delay,
            "update_delay": args.update_delay,
        }
    )
    speed.install()
    eks_fidelity.install()
    eks_access.install()
    eks_addons.install()
    eks_pod_identity.install()
    eks_versions.install()
    eks_launch_templates.install()
    eks_cluster_sg.install()
    eks_auto_mode.install()
    iam_fidelity.install()
    ssm_eks_ami.install()
    asg_fidelity.install()
    autoscaling_refresh.install()
    eks_connector.install()  # last: it wraps the other EKS handlers
    atomic_writes.install()  # after ssm_eks_ami: it wraps SSM's and S3's writes

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    def stop(signum, frame):
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    app = control.ControlMiddleware(pricing.wrap(DomainDispatcherApplication(create_backend_app)))
    sys.stderr.write(
        "eksctl-lite emulator (moto + EKS fidelity) on http://%s:%d (create %.2fs, delete %.2fs, update %.2fs)\n"
        % (args.host, args.port, args.create_delay, args.delete_delay, args.update_delay)
    )
    sys.stderr.flush()
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
