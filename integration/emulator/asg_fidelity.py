"""Patches to moto 5.2.1's EC2 launch templates and Auto Scaling groups
where they differ from AWS in ways a self-managed node group (issue 11)
meets. Each is switched off by name (control.DISABLED):

  ec2-lt-source-version     CreateLaunchTemplateVersion with SourceVersion
                            inherits the source version's launch parameters,
                            those given overwriting them ("If you specify this
                            parameter, the new version inherits the launch
                            parameters from the source version"); moto keeps
                            only the parameters given
  ec2-lt-version-user-data  CreateLaunchTemplateVersion decodes UserData as
                            CreateLaunchTemplate does (moto keeps the raw
                            text, and every launch from that version, a
                            group's or an instance refresh's, then fails on
                            an assertion)
  ec2-lt-delete-versions    DeleteLaunchTemplateVersions (moto: not
                            implemented); the default version cannot go
  ec2-lt-not-found          DescribeLaunchTemplates of an unknown ID
                            (moto: an empty list) and DeleteLaunchTemplate of
                            an unknown name (moto: MissingParameter) or ID are
                            InvalidLaunchTemplateId.NotFound /
                            InvalidLaunchTemplateName.NotFoundException
  ec2-resolve-ssm           an ImageId "resolve:ssm:NAME" (RunInstances, launch
                            templates) launches the AMI the SSM parameter
                            holds at that moment; DescribeLaunchTemplateVersions
                            ResolveAlias shows it (moto: the alias as AMI id)
  asg-launch-from-template  instances an Auto Scaling group launches get the
                            launch template's IamInstanceProfile (moto: none),
                            are spread over the group's subnets (moto: all in
                            the first), and a MixedInstancesPolicy launches the
                            first override's instance type (the "prioritized"
                            on-demand strategy; moto: the template's)
  ec2-ami-must-exist        RunInstances (and a group's launch) of an AMI that
                            is no image: InvalidAMIID.NotFound (moto: any id)
  asg-activities            DescribeScalingActivities lists each launch (and
                            refresh termination); a launch that fails (no such
                            AMI) is a Failed activity, the group's request
                            succeeds with fewer instances (moto: no activities)
  asg-group-rules           CreateAutoScalingGroup of an existing name is
                            AlreadyExists (moto replaces the group); min <=
                            desired <= max on create, update and
                            SetDesiredCapacity (ValidationError); DeleteAutoScalingGroup
                            of a group with instances is ResourceInUse, during
                            an instance refresh ScalingActivityInProgress,
                            unless ForceDelete (moto deletes); HealthCheckGracePeriod
                            defaults to 0 ("Default: 0 seconds"; moto: 300);
                            an unknown launch template is ValidationError
                            (moto: EC2's InvalidLaunchTemplateId.NotFound,
                            which Auto Scaling does not declare)
"""

import copy

import control
from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import EmptyResult


def enabled(rule):
    return rule not in control.DISABLED


class AlreadyExists(AutoscalingClientError):
    code = "AlreadyExists"


class ResourceInUse(AutoscalingClientError):
    code = "ResourceInUse"


class ScalingActivityInProgress(AutoscalingClientError):
    code = "ScalingActivityInProgress"


# ---------------------------------------------------------------------------
# ec2-lt-source-version


def _install_source_version():
    from moto.ec2.responses import EC2Response

    create_version = EC2Response.create_launch_template_version

    def create_launch_template_version(self):
        source = self._get_param("SourceVersion")
        if source is None:
            return create_version(self)
        name, tmpl_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
        template = (self.ec2_backend.get_launch_template(tmpl_id) if tmpl_id
                    else self.ec2_backend.get_launch_template_by_name(name))
        merged = copy.deepcopy(template.get_version(source).data)
        merged.update(self._get_param("LaunchTemplateData", {}) or {})
        get_param = self._get_param

        def _get_param(key, default=None):
            if key == "LaunchTemplateData":
                return merged
            return get_param(key, default)

        self._get_param = _get_param
        try:
            return create_version(self)
        finally:
            self._get_param = get_param

    EC2Response.create_launch_template_version = create_launch_template_version


# ---------------------------------------------------------------------------
# ec2-lt-delete-versions


def _install_delete_versions():
    """DeleteLaunchTemplateVersions (moto: not implemented, HTTP 500): "You
    can't delete the default version of a launch template"; up to 200
    versions a request; each version deleted or reported unsuccessful with a
    LaunchTemplateErrorCode. Version numbers are not reused; $Latest is the
    newest version left."""
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidLaunchTemplateVersionNotFound
    from moto.ec2.models.launch_templates import LaunchTemplate, LaunchTemplateBackend
    from moto.ec2.responses import EC2Response

    def deleted(t):
        return getattr(t, "deleted_versions", set())

    get_version = LaunchTemplate.get_version

    def _get_version(self, num):
        if str(num).lower() == "$latest":
            return self.latest_version()
        v = get_version(self, num)
        if v.number in deleted(self) or (str(num).lstrip("-").isdigit() and int(num) < 1):
            raise InvalidLaunchTemplateVersionNotFound(template_id=self.id, version=num)
        return v

    LaunchTemplate.get_version = _get_version
    LaunchTemplate.latest_version = lambda self: [v for v in self.versions if v.number not in deleted(self)][-1]

    describe = LaunchTemplateBackend.describe_launch_template_versions

    def describe_launch_template_versions(self, *args, **kwargs):
        return [(t, v) for t, v in describe(self, *args, **kwargs) if v.number not in deleted(t)]

    LaunchTemplateBackend.describe_launch_template_versions = describe_launch_template_versions

    def delete_launch_template_versions(self):
        name, tmpl_id = self._get_param("LaunchTemplateName"), self._get_param("LaunchTemplateId")
        versions = self._get_param("Versions", [])
        self.error_on_dryrun()
        if len(versions) > 200:
            from moto.ec2.exceptions import InvalidParameterValueError

            raise InvalidParameterValueError("You can delete up to 200 launch template versions in a single request")
        template = (self.ec2_backend.get_launch_template(tmpl_id) if tmpl_id
                    else self.ec2_backend.get_launch_template_by_name(name))
        ok, failed = [], []
        for v in versions:
            item = {"LaunchTemplateId": template.id, "LaunchTemplateName": template.name}
            number = int(v) if str(v).isdigit() else None
            if number is None or number < 1 or number > len(template.versions) or number in deleted(template):
                failed.append(dict(item, VersionNumber=number or 0, ResponseError={
                    "Code": "launchTemplateVersionDoesNotExist",
                    "Message": "The specified launch template version does not exist: %s" % v}))
            elif number == template.default_version_number:
                failed.append(dict(item, VersionNumber=number, ResponseError={
                    "Code": "unexpectedError",
                    "Message": "The default version of a launch template cannot be deleted; make another version "
                               "the default first, or delete the launch template"}))
            else:
                template.deleted_versions = deleted(template) | {number}
                ok.append(dict(item, VersionNumber=number))
        return ActionResult({"SuccessfullyDeletedLaunchTemplateVersions": ok,
                             "UnsuccessfullyDeletedLaunchTemplateVersions": failed})

    EC2Response.delete_launch_template_versions = delete_launch_template_versions


# ---------------------------------------------------------------------------
# ec2-lt-not-found


def _install_lt_not_found():
    """An unknown launch template is an error, as on AWS, wherever it is
    named: DescribeLaunchTemplates by ID (moto: an empty list) and
    DeleteLaunchTemplate by name (moto: MissingParameter) or ID."""
    from moto.ec2.exceptions import EC2ClientError, InvalidLaunchTemplateNameNotFoundError
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    def id_not_found(tid):
        return EC2ClientError("InvalidLaunchTemplateId.NotFound",
                              "The specified launch template, with template ID %s, does not exist." % tid)

    describe = LaunchTemplateBackend.describe_launch_templates

    def describe_launch_templates(self, template_names=None, template_ids=None, filters=None):
        for tid in template_ids or []:
            if tid not in self.launch_templates:
                raise id_not_found(tid)
        return describe(self, template_names=template_names, template_ids=template_ids, filters=filters)

    LaunchTemplateBackend.describe_launch_templates = describe_launch_templates

    delete = LaunchTemplateBackend.delete_launch_template

    def delete_launch_template(self, name, tid):
        if name and name not in self.launch_template_name_to_ids:
            raise InvalidLaunchTemplateNameNotFoundError()
        if tid and not name and tid not in self.launch_templates:
            raise id_not_found(tid)
        return delete(self, name, tid)

    LaunchTemplateBackend.delete_launch_template = delete_launch_template


# ---------------------------------------------------------------------------
# ec2-resolve-ssm

SSM_ALIAS = "resolve:ssm:"


def resolve_image(ec2, image_id):
    """The AMI id a "resolve:ssm:NAME[:version|:label]" image id names ("The
    Systems Manager parameter will resolve to an AMI ID on launch"), from the
    SSM parameters of the same account and region; other ids as they are."""
    if not (image_id or "").startswith(SSM_ALIAS):
        return image_id
    from moto.ec2.exceptions import EC2ClientError
    from moto.ssm.models import ssm_backends

    ref = image_id[len(SSM_ALIAS):]
    if ref.startswith("arn:"):  # arn:aws:ssm:REGION:ACCOUNT:parameter/NAME[:version]
        ref = "/" + ref.split(":parameter/", 1)[-1]
    try:
        p = ssm_backends[ec2.account_id][ec2.region_name].get_parameter(ref)
    except Exception:
        p = None
    if p is None or not str(p.value).startswith("ami-"):
        raise EC2ClientError("InvalidParameterValue",
                             "The SSM parameter %s does not exist or does not resolve to an AMI ID." % ref)
    return p.value


def _install_resolve_ssm():
    from moto.ec2.models.instances import InstanceBackend
    from moto.ec2.responses import EC2Response

    run = InstanceBackend.run_instances

    def run_instances(self, image_id, *args, **kwargs):
        return run(self, resolve_image(self, image_id), *args, **kwargs)

    InstanceBackend.run_instances = run_instances

    describe = EC2Response.describe_launch_template_versions

    def describe_launch_template_versions(self):
        out = describe(self)
        resolve = self._get_param("ResolveAlias")
        if resolve is True or str(resolve).lower() == "true":
            for v in out.result["LaunchTemplateVersions"]:
                data = v["LaunchTemplateData"]
                if str(data.get("ImageId", "")).startswith(SSM_ALIAS):
                    v["LaunchTemplateData"] = dict(data, ImageId=resolve_image(self.ec2_backend, data["ImageId"]))
        return out

    EC2Response.describe_launch_template_versions = describe_launch_template_versions


# ---------------------------------------------------------------------------
# ec2-ami-must-exist


def _install_ami_must_exist():
    """RunInstances of an AMI that is no image is InvalidAMIID.NotFound (moto
    checks only with MOTO_ENABLE_AMI_VALIDATION). A group's launch of one
    fails without failing the group's request: asg-activities records it."""
    from moto.ec2.models.instances import InstanceBackend

    run = InstanceBackend.run_instances

    def run_instances(self, image_id, *args, **kwargs):
        if image_id and not str(image_id).startswith(SSM_ALIAS):
            self.describe_images(ami_ids=[image_id])  # InvalidAMIID.NotFound / .Malformed
        return run(self, image_id, *args, **kwargs)

    InstanceBackend.run_instances = run_instances


# ---------------------------------------------------------------------------
# asg-activities


def record(group, description, cause, status="Successful", message=None):
    """Adds a scaling activity to the group (newest first, as
    DescribeScalingActivities lists them)."""
    import uuid as _uuid

    from moto.core.utils import utcnow

    now = utcnow()
    a = {"ActivityId": str(_uuid.uuid4()), "AutoScalingGroupName": group.name, "Description": description,
         "Cause": cause[:1023], "StartTime": now, "EndTime": now, "StatusCode": status, "Progress": 100,
         "Details": '{"Subnet ID":"%s","Availability Zone":"%s"}' % (
             (group.vpc_zone_identifier or "").split(",")[0], (group.availability_zones or [""])[0]),
         "AutoScalingGroupARN": group.arn}
    if message:
        a["StatusMessage"] = message[:255]
    if not hasattr(group, "activities"):
        group.activities = []
    group.activities.insert(0, a)
    return a


def _install_activities():
    import base64 as _b64
    import json as _json

    from moto.autoscaling.models import autoscaling_backends

    # Every group ever seen, to list a deleted group's activities (IncludeDeletedGroups).
    deleted = {}

    delete = AutoScalingBackend.delete_auto_scaling_group

    def delete_auto_scaling_group(self, group_name):
        group = self.autoscaling_groups.get(group_name)
        delete(self, group_name)
        if group is not None:
            deleted.setdefault((self.account_id, self.region_name), []).append(group)

    AutoScalingBackend.delete_auto_scaling_group = delete_auto_scaling_group
    control.RESET_HOOKS.append(deleted.clear)

    def describe_scaling_activities(self):
        name = self._get_param("AutoScalingGroupName")
        ids = self._get_param("ActivityIds", [])
        include_deleted = str(self._get_param("IncludeDeletedGroups")).lower() == "true"
        max_records = self._get_int_param("MaxRecords") or 100
        if max_records < 1 or max_records > 100:
            raise ValidationError("MaxRecords must be between 1 and 100.")
        groups = list(self.autoscaling_backend.autoscaling_groups.values())
        if include_deleted:
            groups += deleted.get((self.current_account, self.region), [])
        if name:
            groups = [g for g in groups if g.name == name]
        found = sorted((a for g in groups for a in getattr(g, "activities", [])),
                       key=lambda a: a["StartTime"], reverse=True)
        if ids:
            found = [a for a in found if a["ActivityId"] in ids]
        token = self._get_param("NextToken")
        start = 0
        if token:
            try:
                start = int(_json.loads(_b64.urlsafe_b64decode(token.encode()))["o"])
            except Exception:
                raise AutoscalingClientError("InvalidNextToken", "The token is invalid.")
        page = found[start:start + max_records]
        nxt = (_b64.urlsafe_b64encode(_json.dumps({"o": start + max_records}).encode()).decode()
               if start + max_records < len(found) else None)
        from moto.core.responses import ActionResult

        return ActionResult({"Activities": page, "NextToken": nxt})

    AutoScalingResponse.describe_scaling_activities = describe_scaling_activities
    _ = autoscaling_backends


# ---------------------------------------------------------------------------
# asg-launch-from-template


def _stamp():
    from moto.core.utils import utcnow

    return utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")


def _install_launches():
    """asg-launch-from-template and asg-activities: both act on each launch."""
    moto_replace = FakeAutoScalingGroup.replace_autoscaling_group_instances
    spread = enabled("asg-launch-from-template")

    def live(group):
        return [s for s in group.instance_states if s.lifecycle_state not in ("Terminating", "Terminated")]

    def replace_autoscaling_group_instances(self, count_needed, propagated_tags):
        before_count = len(live(self))
        cause = ("At %s an instance was started in response to a difference between desired and actual capacity, "
                 "increasing the capacity from %d to %d." % (_stamp(), before_count, before_count + count_needed))

        def launch(n, tags):
            try:
                moto_replace(self, n, tags)
            except Exception as e:
                # A launch that fails (an AMI that is no image, an SSM alias
                # that resolves to none) fails the scaling activity, not the
                # request that asked for capacity.
                code = str(getattr(e, "code", ""))
                if not enabled("asg-activities") or not (code.startswith("InvalidAMIID") or code == "InvalidParameterValue"):
                    raise
                msg = "%s. Launching EC2 instance failed." % getattr(e, "message", e)
                record(self, "Launching a new EC2 instance.  Status Reason: " + msg, cause, status="Failed", message=msg)

        # Spread over the subnets (or zones): each new instance where the
        # group has fewest ("Amazon EC2 Auto Scaling attempts to distribute
        # instances evenly between the Availability Zones").
        subnets = self.vpc_zone_identifier.split(",") if self.vpc_zone_identifier else []
        slots = subnets or list(self.availability_zones)
        if spread and len(slots) > 1:
            counts = {s: 0 for s in slots}
            for st in live(self):
                key = getattr(st.instance, "subnet_id", None) if subnets else st.instance.placement
                if key in counts:
                    counts[key] += 1
            plan = {}
            for _ in range(count_needed):
                s = min(slots, key=lambda k: (counts[k], slots.index(k)))
                counts[s] += 1
                plan[s] = plan.get(s, 0) + 1
            saved = (self.vpc_zone_identifier, self.availability_zones)
            try:
                for s, n in plan.items():
                    if subnets:
                        self.vpc_zone_identifier = s
                    else:
                        self.availability_zones = [s]
                    launch(n, dict(propagated_tags))
            finally:
                self.vpc_zone_identifier, self.availability_zones = saved
        else:
            launch(count_needed, propagated_tags)
        new = [s for s in self.instance_states if not hasattr(s, "launch_checked")]
        lt = self.ec2_launch_template
        data = lt.get_version(self.launch_template_version).data if lt is not None else {}
        profile = data.get("IamInstanceProfile") or {}
        overrides = ((self.mixed_instances_policy or {}).get("LaunchTemplate") or {}).get("Overrides") or []
        itype = overrides[0].get("InstanceType") if overrides else None
        ec2 = self.autoscaling_backend.ec2_backend
        for s in new:
            s.launch_checked = True
            if enabled("asg-activities"):
                record(self, "Launching a new EC2 instance: %s" % s.instance.id, cause)
            if not spread:
                continue
            if itype:
                s.instance.instance_type = itype
                s.instance_type = itype
            if profile and s.instance.id not in ec2.iam_instance_profile_associations:
                try:
                    ec2.associate_iam_instance_profile(
                        instance_id=s.instance.id, iam_instance_profile_name=profile.get("Name"),
                        iam_instance_profile_arn=profile.get("Arn"))
                except Exception:
                    pass  # AWS: the launch fails; here the instance runs without a profile

    FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_autoscaling_group_instances


# ---------------------------------------------------------------------------
# asg-group-rules


def _check_sizes(min_size, max_size, desired):
    if min_size is not None and max_size is not None and min_size > max_size:
        raise ValidationError("The value of MinSize (%d) must be less than or equal to the value of MaxSize (%d)."
                              % (min_size, max_size))
    if desired is not None and ((min_size is not None and desired < min_size) or
                                (max_size is not None and desired > max_size)):
        raise ValidationError("Desired capacity:%d must be between the specified min size:%s and max size:%s"
                              % (desired, min_size, max_size))


def _int(v):
    return int(v) if v is not None else None


def _install_group_rules():
    create = AutoScalingBackend.create_auto_scaling_group

    def template_error(f):
        """CreateAutoScalingGroup and UpdateAutoScalingGroup declare no EC2
        error: an unknown launch template or version is ValidationError
        ("You must use a valid fully-formed launch template")."""

        def call(*args, **kwargs):
            try:
                return f(*args, **kwargs)
            except Exception as e:
                if str(getattr(e, "code", "")).startswith("InvalidLaunchTemplate"):
                    raise ValidationError("You must use a valid fully-formed launch template. %s"
                                          % getattr(e, "message", e))
                raise

        return call

    def create_auto_scaling_group(self, name, *args, **kwargs):
        if name in self.autoscaling_groups:
            raise AlreadyExists("AutoScalingGroup by this name already exists - A group with the name %s already exists"
                                % name)
        _check_sizes(_int(kwargs.get("min_size")), _int(kwargs.get("max_size")), _int(kwargs.get("desired_capacity")))
        grace = kwargs.get("health_check_period")
        group = create(self, name, *args, **kwargs)
        group.health_check_grace_period = int(grace) if grace is not None else 0  # moto: 0 or absent -> 300
        return group

    AutoScalingBackend.create_auto_scaling_group = template_error(create_auto_scaling_group)

    update = AutoScalingBackend.update_auto_scaling_group

    def update_auto_scaling_group(self, name, *args, **kwargs):
        group = self.autoscaling_groups.get(name)
        if group is not None:
            mn = _int(kwargs.get("min_size"))
            mx = _int(kwargs.get("max_size"))
            desired = _int(kwargs.get("desired_capacity"))
            mn = group.min_size if mn is None else mn
            mx = group.max_size if mx is None else mx
            _check_sizes(mn, mx, desired)
        return update(self, name, *args, **kwargs)

    AutoScalingBackend.update_auto_scaling_group = template_error(update_auto_scaling_group)

    set_desired = AutoScalingResponse.set_desired_capacity

    def set_desired_capacity(self):
        group = self.autoscaling_backend.autoscaling_groups.get(self._get_param("AutoScalingGroupName"))
        desired = self._get_int_param("DesiredCapacity")
        if group is not None and desired is not None:
            _check_sizes(group.min_size, group.max_size, desired)
        return set_desired(self)

    AutoScalingResponse.set_desired_capacity = set_desired_capacity

    def delete_auto_scaling_group(self):
        """ "If the group has instances or scaling activities in progress,
        you must specify the option to force the deletion in order for it
        to succeed. The force delete operation will also terminate the EC2
        instances" (DeleteAutoScalingGroup)."""
        name = self._get_param("AutoScalingGroupName")
        force = self._get_param("ForceDelete")
        force = force is True or str(force).lower() == "true"
        group = self.autoscaling_backend.autoscaling_groups.get(name)
        if group is not None and not force:
            refreshes = getattr(group, "instance_refreshes", [])
            if any(r.status in ("Pending", "InProgress", "Cancelling", "Baking", "RollbackInProgress") for r in refreshes):
                raise ScalingActivityInProgress(
                    "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.")
            if group.instance_states:
                raise ResourceInUse("You cannot delete an AutoScalingGroup while there are instances or pending Spot "
                                    "instance request(s) still in the group.")
        if group is not None:
            for r in getattr(group, "instance_refreshes", []):
                if r.status in ("Pending", "InProgress", "Cancelling", "Baking", "RollbackInProgress"):
                    r._end("Cancelled", "Cancelled: the group was deleted.")
        self.autoscaling_backend.delete_auto_scaling_group(name)
        return EmptyResult()

    AutoScalingResponse.delete_auto_scaling_group = delete_auto_scaling_group


# ---------------------------------------------------------------------------
# ec2-lt-version-user-data


def _install_version_user_data():
    from moto.ec2.responses import EC2Response
    from moto.ec2.utils import parse_user_data

    create_version = EC2Response.create_launch_template_version

    def create_launch_template_version(self):
        get_param = self._get_param
        raw = get_param("LaunchTemplateData.UserData")

        def _get_param(key, default=None):
            if key == "LaunchTemplateData":
                data = get_param(key, default)
                if isinstance(data, dict) and raw is not None:
                    data = dict(data)
                    data["UserData"] = parse_user_data(raw)
                return data
            return get_param(key, default)

        self._get_param = _get_param
        try:
            return create_version(self)
        finally:
            self._get_param = get_param

    EC2Response.create_launch_template_version = create_launch_template_version


def install():
    """Call before autoscaling_refresh.install() (whose instance details
    wrap the launches patched here)."""
    if enabled("ec2-lt-version-user-data"):
        _install_version_user_data()
    if enabled("ec2-lt-source-version"):
        _install_source_version()
    if enabled("ec2-lt-delete-versions"):
        _install_delete_versions()
    if enabled("ec2-lt-not-found"):
        _install_lt_not_found()
    if enabled("ec2-ami-must-exist"):
        _install_ami_must_exist()
    if enabled("ec2-resolve-ssm"):
        _install_resolve_ssm()  # outside the AMI check: the AMI it resolves to is checked
    if enabled("asg-activities"):
        _install_activities()
    if enabled("asg-launch-from-template") or enabled("asg-activities"):
        _install_launches()
    if enabled("asg-group-rules"):
        _install_group_rules()
