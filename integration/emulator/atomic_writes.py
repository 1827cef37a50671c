"""Atomic create-if-absent for SSM parameters and S3 objects (issue 14).

eksctl-lite's cluster lock is built on two primitives AWS performs
atomically:

  * SSM PutParameter with Overwrite=false: refused with ParameterAlreadyExists
    ("The parameter already exists. To overwrite this value, set the
    overwrite option in the request to true.", HTTP 400) when the parameter
    exists;
  * S3 PutObject with If-None-Match: "*" (a conditional write): refused with
    HTTP 412 PreconditionFailed when the key exists.

moto 5.2.1 has both checks, with AWS's codes and messages, but as
check-then-set in Python on a threaded server: SimpleSystemManagerBackend.
put_parameter looks at the parameter's versions and appends the new one a
few statements later; S3Response.put_object looks the key up, then reads
checksums and ACLs and builds the object (writing a body of more than
MOTO_S3_DEFAULT_KEY_BUFFER_SIZE to a temporary file, which lets other
threads run) before storing it. Two concurrent creates can then both
succeed, and the first one's response may even fail with HTTP 500 ("read of
closed file": its object was replaced and closed while moto computed its
ETag). That is exactly the race a lock must not have.

This patch runs each of those operations under one lock per service, so the
existence check and the write are one step, as on AWS:

  SSM: PutParameter, DeleteParameter, DeleteParameters (a delete between
       the check and the append of an overwrite would lose the write);
  S3:  PutObject (conditional or not: an unconditional write between a
       conditional write's check and its store would be lost), CopyObject,
       POST on a key (CompleteMultipartUpload, which has its own
       If-None-Match check), DeleteObject (with its If-Match check) and
       DeleteObjects.

Reads (GetParameter, GetObject, HeadObject) are not locked: they see the
state before or after a write, never half of one. The request body has
been read from the socket before the handler runs, so the lock is never
held while a client sends.

Switch (control.DISABLED):

  atomic-writes   both locks (off: moto's check-then-set, racy)
"""

import functools
import threading

import control

SWITCH = "atomic-writes"

# One lock per service: writes to different keys wait for each other too,
# which costs the emulator nothing measurable and keeps the rule simple.
SSM_LOCK = threading.RLock()
S3_LOCK = threading.RLock()


def enabled():
    return SWITCH not in control.DISABLED


def _locked(lock, method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with lock:
            return method(*args, **kwargs)

    wrapper.atomic_writes = True
    return wrapper


def _wrap(cls, names, lock):
    for name in names:
        method = getattr(cls, name)
        if not getattr(method, "atomic_writes", False):
            setattr(cls, name, _locked(lock, method))


def install():
    """Call after the other patches of SSM and S3 (it wraps what is there)."""
    if not enabled():
        return
    from moto.s3.responses import S3Response
    from moto.ssm.models import SimpleSystemManagerBackend

    _wrap(SimpleSystemManagerBackend, ("put_parameter", "delete_parameter", "delete_parameters"), SSM_LOCK)
    # The response handlers, not the backend: S3Response.put_object makes
    # the If-None-Match check itself before it calls the backend, and builds
    # its answer (the ETag) from the object it stored.
    _wrap(S3Response, ("put_object", "copy_object", "_key_response_post", "delete_object",
                       "_bucket_response_delete_keys"), S3_LOCK)
