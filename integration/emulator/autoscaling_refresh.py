"""Auto Scaling instance refresh (issue 11: a self-managed node group rolls
its nodes to a new launch template version this way), and the instance
details moto gets wrong.

moto 5.2.1 has no StartInstanceRefresh, DescribeInstanceRefreshes or
CancelInstanceRefresh (they answer "not yet implemented"). Shapes, enums
and declared errors are those of botocore's Auto Scaling service model
(autoscaling/2011-01-01/service-2.json).

A refresh is lazy, like the EKS lifecycle (eks_fidelity): every Auto
Scaling and EC2 request first moves it on, measured against the update
delay (control.DELAYS, read at each request):

  Pending      for one update delay after StartInstanceRefresh;
  InProgress   in batches. A batch terminates old instances and launches
               new ones from the desired configuration, as many as the
               healthy percentages allow: in service >= MinHealthyPercentage
               and in service + pending <= MaxHealthyPercentage of the
               desired capacity (launch before terminating when the maximum
               is above 100), at least one instance per batch ("Setting the
               minimum healthy percentage to 100 percent limits the rate of
               replacement to one instance at a time"). New instances are
               Pending for one update delay, then InService; with a warmup
               (InstanceWarmup, else the group's health check grace period)
               the next batch waits one more update delay. Old instances are
               Terminating for one update delay, then gone (terminated in
               EC2). A checkpoint (CheckpointPercentages) pauses for one
               update delay unless CheckpointDelay is 0;
  Baking       one update delay after the last batch if BakeTime > 0;
  Successful   the group now has the desired configuration;
  Cancelling   CancelInstanceRefresh while launches are in flight
               (WaitForTransitioningInstances, default true), then
  Cancelled    the group keeps its configuration and whatever instances
               it has ("this does not roll back any changes that it made");
  Failed       a launch failed (asg_fidelity: an AMI that is no image), or
  RollbackInProgress -> RollbackSuccessful: RollbackInstanceRefresh, or a
               failure with AutoRollback, replaces the instances the refresh
               launched with ones of the group's (unchanged) configuration,
               in batches as above.

AWS durations (InstanceWarmup, CheckpointDelay, BakeTime: seconds, often
minutes or hours) are compressed to the update delay: 0 is no wait, any
other value one update delay.

Switches (control.DISABLED):

  asg-instance-refresh   the three operations (off: moto's "not yet implemented")
  asg-refresh-healthy    the healthy percentages (off: every old instance
                         replaced in one batch, terminate and launch at once)
  asg-instance-details   each instance's launch template version is the one
                         it was launched from, and its ImageId is given (off:
                         moto's group default version for every instance, no ImageId)
"""

import base64
import json
import math
import threading
import time
import uuid

import control
from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
from moto.autoscaling.models import InstanceState, FakeAutoScalingGroup
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

LOCK = threading.RLock()

PENDING, IN_PROGRESS, SUCCESSFUL, CANCELLING, CANCELLED, BAKING = (
    "Pending", "InProgress", "Successful", "Cancelling", "Cancelled", "Baking")
ROLLBACK, ROLLBACK_OK, ROLLBACK_FAILED, FAILED = "RollbackInProgress", "RollbackSuccessful", "RollbackFailed", "Failed"
ACTIVE = (PENDING, IN_PROGRESS, CANCELLING, BAKING, "RollbackInProgress")

# Instances launched or terminated by a refresh, in transition:
# [state, group, done_at_monotonic, kind] with kind "launch" or "terminate".
_transitions = []
_refreshes = []  # every refresh still active, to tick


def enabled(rule):
    return rule not in control.DISABLED


def _delay():
    return float(control.DELAYS["update_delay"])


def _now():
    return time.monotonic()


class InstanceRefreshInProgress(AutoscalingClientError):
    code = "InstanceRefreshInProgress"
    message = "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."


class ActiveInstanceRefreshNotFound(AutoscalingClientError):
    code = "ActiveInstanceRefreshNotFound"


class InvalidNextToken(AutoscalingClientError):
    code = "InvalidNextToken"
    message = "The token is invalid."


# ---------------------------------------------------------------------------
# Launch templates and instances.


def _resolve(lt, version):
    """The version number a launch template spec names ("$Latest",
    "$Default", "3"), or ValidationError."""
    try:
        return lt.get_version(version or "$Default").number
    except Exception:
        raise ValidationError("The specified launch template version %s does not exist for launch template %s (%s)."
                              % (version, lt.name, lt.id))


def _template(backend, spec):
    """The launch template of a LaunchTemplateSpecification (id or name, not both)."""
    lt_id, name = spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName")
    if bool(lt_id) == bool(name):
        raise ValidationError("Valid requests must contain either launchTemplateId or LaunchTemplateName")
    ec2 = backend.ec2_backend
    try:
        return ec2.get_launch_template(lt_id) if lt_id else ec2.get_launch_template_by_name(name)
    except Exception:
        raise ValidationError("The launch template %s does not exist." % (lt_id or name))


def _instance_lt(state):
    """(template id, version number) an instance was launched from, or None."""
    lt = getattr(state, "launched_from", None)
    if lt is not None:
        return lt["LaunchTemplateId"], int(lt["Version"])
    group = state.auto_scaling_group
    if group.ec2_launch_template is None:
        return None
    return group.ec2_launch_template.id, _resolve(group.ec2_launch_template, group.launch_template_version)


def _launch(group, count, desired):
    """Launches count instances into group from the desired configuration
    (LaunchTemplate or MixedInstancesPolicy, or None for the group's own),
    Pending; returns their states. Uses moto's own launch, with the
    group's template swapped for the desired one meanwhile."""
    saved = (group.ec2_launch_template, group.launch_template_version, group.launch_config,
             group.mixed_instances_policy)
    try:
        spec = _desired_spec(desired)
        if spec is not None:
            group.ec2_launch_template = _template(group.autoscaling_backend, spec)
            group.launch_template_version = spec.get("Version") or "$Default"
            group.launch_config = None
        if desired and desired.get("MixedInstancesPolicy"):
            group.mixed_instances_policy = desired["MixedInstancesPolicy"]
        before = set(group.instance_states)
        group.replace_autoscaling_group_instances(count, group.get_propagated_tags())
        new = [s for s in group.instance_states if s not in before]
    finally:
        (group.ec2_launch_template, group.launch_template_version, group.launch_config,
         group.mixed_instances_policy) = saved
    for s in new:
        s.lifecycle_state = "Pending"
        _transitions.append([s, group, _now(), "launch"])
    return new


def _terminate(group, states):
    import asg_fidelity

    for s in states:
        s.lifecycle_state = "Terminating"
        _transitions.append([s, group, _now(), "terminate"])
        if enabled("asg-activities"):
            asg_fidelity.record(group, "Terminating EC2 instance: %s" % s.instance.id,
                                "At %s an instance was taken out of service in response to an instance refresh."
                                % utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"))


def _advance_transitions(now, d):
    for t in list(_transitions):
        state, group, since, kind = t
        if now - since < d:
            continue
        _transitions.remove(t)
        if kind == "launch":
            if state.lifecycle_state == "Pending":
                state.lifecycle_state = "InService"
            state.in_service_at = now
        else:
            if state in group.instance_states:
                group.instance_states.remove(state)
            try:
                group.autoscaling_backend.ec2_backend.terminate_instances([state.instance.id])
            except Exception:
                pass


def _desired_spec(desired):
    if not desired:
        return None
    if desired.get("LaunchTemplate"):
        return desired["LaunchTemplate"]
    return ((desired.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")


# ---------------------------------------------------------------------------
# The refresh.


class Refresh:
    def __init__(self, group, strategy, preferences, desired):
        self.id = str(uuid.uuid4())
        self.group = group
        self.strategy = strategy
        self.preferences = preferences
        self.desired = desired
        self.status = PENDING
        self.reason = None
        self.start_time = utcnow()
        self.end_time = None
        self.started = _now()
        self.to_replace = []  # old instance states, in order
        self.total = 0
        self.replaced = 0  # old instances whose replacement is in service and warmed up
        self.batch = None  # {"new": [...], "old_later": [...], "since": t}
        self.pause_until = None
        self.passed_checkpoints = 0
        self.launched = []  # instance states this refresh launched
        self.rollback = None  # {"reason", "start", "total", "replaced", "forward_replaced"} once rolling back

    # What DescribeInstanceRefreshes shows.
    def describe(self):
        pct = 100 if self.total == 0 else self.replaced * 100 // self.total
        if self.status == PENDING:
            pct, left = 0, None
        else:
            left = self.total - self.replaced
        d = {"InstanceRefreshId": self.id, "AutoScalingGroupName": self.group.name, "Status": self.status,
             "StartTime": self.start_time, "PercentageComplete": pct, "Preferences": dict(self.preferences),
             "Strategy": self.strategy}
        if left is not None:
            d["InstancesToUpdate"] = left
            d["ProgressDetails"] = {"LivePoolProgress": {"PercentageComplete": pct, "InstancesToUpdate": left}}
        if self.reason:
            d["StatusReason"] = self.reason
        if self.end_time:
            d["EndTime"] = self.end_time
        if self.desired:
            d["DesiredConfiguration"] = self.desired
        rb = self.rollback
        if rb is not None:
            # "PercentageComplete ... gradually goes back down to zero during a rollback";
            # InstancesToUpdate: "the number of instances that were not yet updated by the instance refresh".
            fwd = rb["forward_replaced"]
            back = min(rb["replaced"], fwd)
            d["PercentageComplete"] = 0 if rb["forward_total"] == 0 else (fwd - back) * 100 // rb["forward_total"]
            d["InstancesToUpdate"] = rb["forward_total"] - fwd
            d["ProgressDetails"] = {"LivePoolProgress": {"PercentageComplete": d["PercentageComplete"],
                                                         "InstancesToUpdate": d["InstancesToUpdate"]}}
            rpct = 100 if rb["total"] == 0 else rb["replaced"] * 100 // rb["total"]
            left = rb["total"] - rb["replaced"]
            d["RollbackDetails"] = {"RollbackReason": rb["reason"], "RollbackStartTime": rb["start"],
                                    "PercentageCompleteOnRollback": rpct, "InstancesToUpdateOnRollback": left,
                                    "ProgressDetailsOnRollback": {"LivePoolProgress": {
                                        "PercentageComplete": rpct, "InstancesToUpdate": left}}}
        return d

    def start_rollback(self, reason):
        """Replaces the instances this refresh launched with ones of the
        group's configuration (unchanged until a refresh succeeds)."""
        fwd_total, fwd = self.total, self.replaced + (self.batch["count"] if self.batch else 0)
        self.batch, self.pause_until = None, None
        keep = [s for s in self.launched if s in self.group.instance_states and s.lifecycle_state != "Terminating"]
        self.rollback = {"reason": reason, "start": utcnow(), "total": len(keep), "replaced": 0,
                         "forward_total": fwd_total, "forward_replaced": fwd}
        self.to_replace, self.total, self.replaced = keep, len(keep), 0
        self.status, self.reason = ROLLBACK, None

    def _matches_desired(self, state):
        spec = _desired_spec(self.desired)
        group = self.group
        if spec is None:
            if group.ec2_launch_template is None:
                return state.launch_configuration_name == group.launch_configuration_name
            want = (group.ec2_launch_template.id, _resolve(group.ec2_launch_template, group.launch_template_version))
        else:
            lt = _template(group.autoscaling_backend, spec)
            want = (lt.id, _resolve(lt, spec.get("Version")))
        return _instance_lt(state) == want

    def _begin(self):
        """Pending -> InProgress: which instances to replace."""
        p = self.preferences
        states = []
        for s in self.group.instance_states:
            if s.lifecycle_state == "Standby":
                if p["StandbyInstances"] == "Ignore":
                    continue
                if p["StandbyInstances"] == "Terminate":
                    _terminate(self.group, [s])
                    continue
            elif s.lifecycle_state != "InService":
                continue
            if s.protected_from_scale_in and p["ScaleInProtectedInstances"] == "Ignore":
                continue
            if p["SkipMatching"] and self._matches_desired(s):
                continue
            states.append(s)
        self.to_replace = states
        self.total = len(states)
        self.status = IN_PROGRESS

    def _replaceable(self, s):
        if s not in self.group.instance_states or s.lifecycle_state != "InService":
            return False
        return not (s.protected_from_scale_in and self.preferences["ScaleInProtectedInstances"] == "Wait")

    def _warmup(self):
        w = self.preferences.get("InstanceWarmup")
        if w is None:
            w = self.group.health_check_grace_period or 0
        return w

    def _checkpoint(self, now, d):
        """Pauses at the next checkpoint reached."""
        cps = self.preferences.get("CheckpointPercentages") or []
        pct = 100 if self.total == 0 else self.replaced * 100 // self.total
        reached = [c for c in cps if c <= pct]
        if len(reached) > self.passed_checkpoints:
            self.passed_checkpoints = len(reached)
            if self.preferences.get("CheckpointDelay", 3600) > 0 and pct < 100:
                self.pause_until = now + d
                self.reason = "Waiting for checkpoint: %d%% of the instances replaced." % reached[-1]

    def tick(self, now, d):
        """Moves the refresh on; returns False once it is no longer active."""
        if self.group.name not in self.group.autoscaling_backend.autoscaling_groups:
            return False
        if self.status == PENDING:
            if now - self.started < d:
                return True
            self._begin()
        if self.status == CANCELLING:
            if any(t[0] in self.batch["new"] for t in _transitions) if self.batch else False:
                return True
            self._drop_held_back()
            self._end(CANCELLED, "Cancelled due to user request.")
            return False
        if self.status == BAKING:
            if now < self.pause_until:
                return True
            return self._succeed()
        if self.status not in (IN_PROGRESS, ROLLBACK):
            return False
        while True:
            if self.rollback is not None and any(t[0] in self.launched and t[3] == "launch" for t in _transitions):
                return True  # a rollback begins once the refresh's launches in flight are in service
            if self.batch is not None:
                b = self.batch
                if any(t[0] in b["new"] for t in _transitions):
                    return True  # still launching
                ready = max([getattr(s, "in_service_at", now) for s in b["new"]] or [now])
                if self._warmup() > 0 and now - ready < d:
                    return True  # warming up
                if b["old_later"]:
                    _terminate(self.group, b["old_later"])
                self.replaced += b["count"]
                if self.rollback is not None:
                    self.rollback["replaced"] = self.replaced
                self.batch = None
                self._checkpoint(now, d)
            if self.pause_until is not None:
                if now < self.pause_until:
                    return True
                self.pause_until, self.reason = None, None
            remaining = [s for s in self.to_replace if s in self.group.instance_states
                         and s.lifecycle_state not in ("Terminating",)]
            if not remaining:
                if any(t[0] in self.to_replace for t in _transitions):
                    return True  # the last old instances still terminating
                if self.rollback is not None:
                    self._end(ROLLBACK_OK, "The rollback completed: the instances run the group's configuration.")
                    return False
                if self.preferences.get("BakeTime", 0) > 0:
                    self.status, self.pause_until = BAKING, now + d
                    return True
                return self._succeed()
            olds = [s for s in remaining if self._replaceable(s)]
            if not olds:
                self.reason = ("Waiting for instances protected from scale in or in Standby: %s"
                               % ", ".join(s.instance.id for s in remaining))
                return True
            self.reason = None
            self._start_batch(olds)
            if self.status not in (IN_PROGRESS, ROLLBACK):
                return False

    def _start_batch(self, olds):
        group, p = self.group, self.preferences
        desired = group.desired_capacity or 0
        in_service = [s for s in group.instance_states if s.lifecycle_state == "InService"]
        pending = [s for s in group.instance_states if s.lifecycle_state == "Pending"]
        if enabled("asg-refresh-healthy"):
            floor = math.ceil(desired * p["MinHealthyPercentage"] / 100.0)
            ceiling = max(desired, math.floor(desired * p["MaxHealthyPercentage"] / 100.0))
            now_ = min(len(olds), max(0, len(in_service) - floor))
            launch = min(len(olds), ceiling - len(in_service) - len(pending) + now_)
            if launch <= 0 and now_ == 0:
                now_ = launch = 1  # at least one instance at a time
            launch = max(launch, now_)
        else:
            now_ = launch = len(olds)
        terminate_now, later = olds[:now_], olds[now_:launch]
        # A replaced instance that is not counted in the desired capacity
        # (Standby) gets no replacement.
        replacements = launch - sum(1 for s in terminate_now if s.lifecycle_state == "Standby")
        desired_config = None if self.rollback is not None else self.desired
        new = _launch(group, replacements, desired_config) if replacements > 0 else []
        if len(new) < replacements:
            # The launch failed (asg_fidelity records the failed activity):
            # the refresh fails, the old instances of the batch stay.
            failed = [a for a in getattr(group, "activities", []) if a["StatusCode"] == "Failed"]
            _terminate(group, new)
            reason = ("%d of %d instances failed to launch: %s" % (
                replacements - len(new), replacements, failed[0].get("StatusMessage", "") if failed else ""))[:1023]
            if self.rollback is not None:
                self._end(ROLLBACK_FAILED, reason)
            elif p.get("AutoRollback"):
                self.start_rollback(reason)
            else:
                self._end(FAILED, reason)
            return
        if self.rollback is None:
            self.launched += new
        _terminate(group, terminate_now)
        self.batch = {"new": new, "old_later": later, "count": launch}

    def _succeed(self):
        group, desired = self.group, self.desired
        if desired:
            if desired.get("MixedInstancesPolicy"):
                group.mixed_instances_policy = desired["MixedInstancesPolicy"]
            spec = _desired_spec(desired)
            if spec is not None:
                group.ec2_launch_template = _template(group.autoscaling_backend, spec)
                group.launch_template_version = spec.get("Version") or "$Default"
                group.provided_launch_template_version = spec.get("Version")
                group.launch_config = None
                group.launch_configuration_name = None
        self._end(SUCCESSFUL, None)
        return False

    def _end(self, status, reason):
        self.status, self.reason = status, reason
        self.end_time = utcnow()
        self.pause_until = None

    def _drop_held_back(self):
        """A batch launched before it terminates (a maximum healthy
        percentage above 100) holds old instances back until the new ones
        are in service. Cancelled then, the group is above its desired
        capacity, and Auto Scaling terminates the surplus, the instances of
        the older configuration first (the default termination policy):
        those held back."""
        b = self.batch
        if b is None or not b["old_later"]:
            return
        group = self.group
        live = [s for s in group.instance_states if s.lifecycle_state not in ("Terminating",)]
        surplus = len(live) - int(group.desired_capacity or 0)
        if surplus > 0:
            _terminate(group, b["old_later"][:surplus])
        b["old_later"] = []

    def cancel(self, wait):
        if self.status == ROLLBACK and (not wait or self.batch is None):
            self._end(CANCELLED, "Rollback cancelled due to user request.")
        elif self.status == PENDING or not wait or self.batch is None:
            self._drop_held_back()
            self._end(CANCELLED, "Cancelled due to user request.")
        else:
            self.status = CANCELLING
            self.reason = "Cancelling due to user request."


def tick():
    now, d = _now(), _delay()
    _advance_transitions(now, d)
    for r in list(_refreshes):
        try:
            active = r.tick(now, d)
        except Exception as e:  # e.g. the launch template was deleted meanwhile
            r._end("Failed", str(e)[:1023])
            active = False
        if not active:
            _refreshes.remove(r)
    _advance_transitions(now, d)


def reset():
    with LOCK:
        _transitions.clear()
        _refreshes.clear()


def _refreshes_of(group):
    if not hasattr(group, "instance_refreshes"):
        group.instance_refreshes = []
    return group.instance_refreshes


# ---------------------------------------------------------------------------
# Requests.


def _group(backend, name):
    group = backend.autoscaling_groups.get(name or "")
    if group is None:
        raise ValidationError("AutoScalingGroup name not found - AutoScalingGroup '%s' not found" % name)
    return group


def _int(v, what, lo, hi):
    if v is None:
        return None
    try:
        v = int(v)
    except (TypeError, ValueError):
        raise ValidationError("%s must be an integer" % what)
    if v < lo or (hi is not None and v > hi):
        raise ValidationError("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: "
                              "Member must have value %s" % (v, what, "between %d and %d" % (lo, hi) if hi is not None
                                                             else "greater than or equal to %d" % lo))
    return v


def _bool(v):
    if isinstance(v, str):
        return v.lower() == "true"
    return bool(v)


def _preferences(raw, group, desired):
    """The refresh's preferences with AWS's defaults (CLI and SDK defaults,
    "Understand the default values for an instance refresh"), validated."""
    raw = raw or {}
    p = {}
    mn = _int(raw.get("MinHealthyPercentage"), "preferences.minHealthyPercentage", 0, 100)
    mx = _int(raw.get("MaxHealthyPercentage"), "preferences.maxHealthyPercentage", 100, 200)
    if mx is not None and mn is None:
        raise ValidationError("You must specify MinHealthyPercentage when you specify MaxHealthyPercentage.")
    p["MinHealthyPercentage"] = 90 if mn is None else mn
    p["MaxHealthyPercentage"] = 100 if mx is None else mx
    if p["MaxHealthyPercentage"] - p["MinHealthyPercentage"] > 100:
        raise ValidationError("The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be "
                              "greater than 100.")
    warm = _int(raw.get("InstanceWarmup"), "preferences.instanceWarmup", 0, None)
    if warm is not None:
        p["InstanceWarmup"] = warm
    cps = raw.get("CheckpointPercentages")
    if cps:
        cps = [_int(c, "preferences.checkpointPercentages", 1, 100) for c in cps]
        if cps != sorted(set(cps)):
            raise ValidationError("CheckpointPercentages must be unique and in ascending order.")
        p["CheckpointPercentages"] = cps
        p["CheckpointDelay"] = 3600
    delay = _int(raw.get("CheckpointDelay"), "preferences.checkpointDelay", 0, 172800)
    if delay is not None:
        if not cps:
            raise ValidationError("You must specify CheckpointPercentages when you specify CheckpointDelay.")
        p["CheckpointDelay"] = delay
    p["SkipMatching"] = _bool(raw.get("SkipMatching", False))
    p["AutoRollback"] = _bool(raw.get("AutoRollback", False))
    for key, default in (("ScaleInProtectedInstances", "Wait"), ("StandbyInstances", "Wait")):
        v = raw.get(key) or default
        allowed = ("Refresh", "Ignore", "Wait") if key == "ScaleInProtectedInstances" else ("Terminate", "Ignore", "Wait")
        if v not in allowed:
            raise ValidationError("1 validation error detected: Value '%s' at 'preferences.%s%s' failed to satisfy "
                                  "constraint: Member must satisfy enum value set: [%s]"
                                  % (v, key[0].lower(), key[1:], ", ".join(allowed)))
        p[key] = v
    bake = _int(raw.get("BakeTime"), "preferences.bakeTime", 0, 172800)
    if bake is not None:
        p["BakeTime"] = bake
    if raw.get("AlarmSpecification"):
        p["AlarmSpecification"] = raw["AlarmSpecification"]
    if p["AutoRollback"]:
        spec = _desired_spec(desired)
        version = (spec or {}).get("Version") if spec else None
        if spec is None:
            raise ValidationError("AutoRollback requires a DesiredConfiguration.")
        if not version or version.lower() in ("$latest", "$default"):
            raise ValidationError("AutoRollback is not supported with the launch template version $Latest or $Default.")
        lt = _template(group.autoscaling_backend, spec)
        if str(lt.get_version(version).image_id).startswith("resolve:ssm:"):
            raise ValidationError("AutoRollback is not supported with a launch template that uses a Systems Manager "
                                  "parameter instead of an AMI ID.")
    return p


def _desired(raw, group):
    if not raw:
        return None
    lt, mip = raw.get("LaunchTemplate"), raw.get("MixedInstancesPolicy")
    if bool(lt) == bool(mip):
        raise ValidationError("A DesiredConfiguration must contain either a LaunchTemplate or a MixedInstancesPolicy.")
    out = {}
    if lt:
        tmpl = _template(group.autoscaling_backend, lt)
        _resolve(tmpl, lt.get("Version"))
        out["LaunchTemplate"] = {k: v for k, v in lt.items()
                                 if k in ("LaunchTemplateId", "LaunchTemplateName", "Version") and v}
    else:
        spec = (mip.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
        if not spec:
            raise ValidationError("A MixedInstancesPolicy needs a LaunchTemplate with a LaunchTemplateSpecification.")
        tmpl = _template(group.autoscaling_backend, spec)
        _resolve(tmpl, spec.get("Version"))
        out["MixedInstancesPolicy"] = mip
    return out


def start(backend, name, strategy, raw_prefs, raw_desired):
    group = _group(backend, name)
    strategy = strategy or "Rolling"
    if strategy not in ("Rolling", "ReplaceRootVolume"):
        raise ValidationError("1 validation error detected: Value '%s' at 'strategy' failed to satisfy constraint: "
                              "Member must satisfy enum value set: [Rolling, ReplaceRootVolume]" % strategy)
    desired = _desired(raw_desired, group)
    if strategy == "ReplaceRootVolume":
        overrides = ((((desired or {}).get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {})
                     .get("Overrides") or [])
        if not overrides or not all(o.get("ImageId") for o in overrides):
            raise ValidationError("The ReplaceRootVolume strategy requires a desired configuration with a "
                                  "MixedInstancesPolicy whose overrides all specify an ImageId.")
    prefs = _preferences(raw_prefs, group, desired)
    mine = _refreshes_of(group)
    if any(r.status in ACTIVE for r in mine):
        raise InstanceRefreshInProgress()
    r = Refresh(group, strategy, prefs, desired)
    mine.append(r)
    _refreshes.append(r)
    return r


def _encode(offset):
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode(token):
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except Exception:
        raise InvalidNextToken()


def describe(backend, name, ids, max_records, token):
    group = _group(backend, name)
    max_records = 50 if max_records is None else int(max_records)
    if max_records < 1 or max_records > 100:
        raise ValidationError("MaxRecords must be between 1 and 100.")
    found = list(reversed(_refreshes_of(group)))  # newest first
    if ids:
        found = [r for r in found if r.id in ids]
    start_at = _decode(token) if token else 0
    page = found[start_at:start_at + max_records]
    nxt = _encode(start_at + max_records) if start_at + max_records < len(found) else None
    return [r.describe() for r in page], nxt


def cancel(backend, name, wait):
    group = _group(backend, name)
    active = [r for r in _refreshes_of(group) if r.status in (PENDING, IN_PROGRESS, BAKING, ROLLBACK)]
    if not active:
        raise ActiveInstanceRefreshNotFound("No in progress or pending Instance Refresh found for Auto Scaling group %s"
                                            % name)
    r = active[-1]
    r.cancel(True if wait is None else _bool(wait))
    return r


class IrreversibleInstanceRefresh(AutoscalingClientError):
    code = "IrreversibleInstanceRefresh"


def rollback(backend, name):
    """RollbackInstanceRefresh: "A rollback is not supported in the following
    situations: There is no desired configuration specified for the instance
    refresh. The Auto Scaling group has a launch template that uses an Amazon
    Web Services Systems Manager parameter instead of an AMI ID for the
    ImageId property. The Auto Scaling group uses the launch template's
    $Latest or $Default version." """
    group = _group(backend, name)
    active = [r for r in _refreshes_of(group) if r.status in (PENDING, IN_PROGRESS, BAKING)]
    if not active:
        raise ActiveInstanceRefreshNotFound("No in progress or pending Instance Refresh found for Auto Scaling group %s"
                                            % name)
    r = active[-1]
    if not r.desired:
        raise IrreversibleInstanceRefresh("The instance refresh %s has no desired configuration: it cannot be "
                                          "rolled back." % r.id)
    lt = group.ec2_launch_template
    if lt is not None:
        version = str(group.launch_template_version or "$Default")
        if version.lower() in ("$latest", "$default"):
            raise IrreversibleInstanceRefresh("The Auto Scaling group %s uses the launch template version %s: the "
                                              "instance refresh cannot be rolled back." % (name, version))
        if str(lt.get_version(version).image_id).startswith("resolve:ssm:"):
            raise IrreversibleInstanceRefresh("The Auto Scaling group %s's launch template uses a Systems Manager "
                                              "parameter instead of an AMI ID: the instance refresh cannot be rolled "
                                              "back." % name)
    if r.status == PENDING:
        r._begin()
    r.start_rollback("Rollback started by user request.")
    return r


def _r_rollback(self):
    with LOCK:
        tick()
        r = rollback(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    return ActionResult({"InstanceRefreshId": r.id})


def _r_start(self):
    with LOCK:
        tick()
        r = start(self.autoscaling_backend, self._get_param("AutoScalingGroupName"), self._get_param("Strategy"),
                  self._get_param("Preferences"), self._get_param("DesiredConfiguration"))
    return ActionResult({"InstanceRefreshId": r.id})


def _r_describe(self):
    with LOCK:
        tick()
        refreshes, nxt = describe(self.autoscaling_backend, self._get_param("AutoScalingGroupName"),
                                  self._get_param("InstanceRefreshIds", []), self._get_param("MaxRecords"),
                                  self._get_param("NextToken"))
    return ActionResult({"InstanceRefreshes": refreshes, "NextToken": nxt})


def _r_cancel(self):
    with LOCK:
        tick()
        r = cancel(self.autoscaling_backend, self._get_param("AutoScalingGroupName"),
                   self._get_param("WaitForTransitioningInstances"))
    return ActionResult({"InstanceRefreshId": r.id})


# ---------------------------------------------------------------------------
# Instance details.


def _install_instance_details():
    replace = FakeAutoScalingGroup.replace_autoscaling_group_instances

    def replace_autoscaling_group_instances(self, count_needed, propagated_tags):
        before = set(self.instance_states)
        replace(self, count_needed, propagated_tags)
        lt = self.ec2_launch_template
        if lt is None:
            return
        version = _resolve(lt, self.launch_template_version)
        for s in self.instance_states:
            if s not in before:
                s.launched_from = {"LaunchTemplateId": lt.id, "LaunchTemplateName": lt.name, "Version": str(version)}

    FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_autoscaling_group_instances
    group_lt = InstanceState.launch_template

    def launch_template(self):
        lt = getattr(self, "launched_from", None)
        return dict(lt) if lt is not None else group_lt.fget(self)

    InstanceState.launch_template = property(launch_template)
    InstanceState.image_id = property(lambda self: self.instance.image_id)


def install():
    control.RESET_HOOKS.append(reset)
    if enabled("asg-instance-details"):
        _install_instance_details()
    if not enabled("asg-instance-refresh"):
        return
    from moto.ec2.responses import EC2Response

    def ticking(cls):
        call = cls.call_action

        def call_action(self):
            with LOCK:
                tick()
                return call(self)

        cls.call_action = call_action

    ticking(AutoScalingResponse)
    ticking(EC2Response)
    AutoScalingResponse.start_instance_refresh = _r_start
    AutoScalingResponse.describe_instance_refreshes = _r_describe
    AutoScalingResponse.cancel_instance_refresh = _r_cancel
    AutoScalingResponse.rollback_instance_refresh = _r_rollback
