"""Performance patches to moto 5.2.1 for the test emulator.

They change no behaviour the tests can observe in the commercial partition;
they only keep POST /moto-api/reset (which every test makes) cheap.
"""

import functools
import json
import re


def install():
    _cache_managed_policies()
    _cache_role_arn_partitions()


def _cache_managed_policies():
    """moto resolves the account of every request by looking at the IAM backend
    of every partition (aws, aws-cn, aws-us-gov, aws-iso...), and each new IAM
    backend parses ~1,500 AWS managed policies from a large JSON string: about
    1 s after every reset. Parse the JSON once, and load the managed policies
    only in the partition the tests use ("aws")."""
    from moto.iam import models as iam_models

    @functools.cache
    def parsed():
        return json.loads(iam_models.aws_managed_policies_data)

    def _init_aws_policies(self):
        if not iam_models.load_iam_aws_managed_policies() or self.region_name != "aws":
            return []
        return [
            iam_models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, d)
            for name, d in parsed().items()
        ]

    iam_models.IAMBackend._init_aws_policies = _init_aws_policies


def _cache_role_arn_partitions():
    """moto's EKS validates every role ARN by building a new boto3 Session to
    list the partitions (~0.3 s per call). Same check, partitions listed once."""
    from boto3 import Session

    from moto.eks import models as eks_models
    from moto.eks.exceptions import InvalidParameterException

    partitions = frozenset(Session().get_available_partitions())
    pattern = re.compile("arn:(?P<partition>.+):iam::(?P<account_id>[0-9]{12}):role/.+")

    def validate_role_arn(arn):
        m = pattern.match(arn or "")
        if not (arn and m and m.group("partition") in partitions):
            raise InvalidParameterException(message="Invalid Role Arn: '" + str(arn) + "'")

    eks_models.validate_role_arn = validate_role_arn
