"""Where the kernel refuses a mechanism the sandbox says so loudly, and strict mode refuses
to run. Simulated by denying unshare(2) to a child Python (seccomp, inherited by its
workers), which is what a kernel or container without namespaces looks like."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.helpers import require_module

require_module("pyseccomp")

SCRIPT = textwrap.dedent(
    """
    import ctypes, errno, json, warnings
    import pyseccomp
    ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    f = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    f.add_rule(pyseccomp.ERRNO(errno.EPERM), "unshare")
    f.load()
    from learnact.envs.base import BasicAction
    from learnact.sandbox import Sandbox, SandboxLimits, SandboxUnavailable, mechanisms
    acts = [BasicAction("inc", ("a",), "", "inc {a}")]
    m = mechanisms()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Sandbox() as sb:
            res = sb.run("inc('x')", actions=acts, execute=lambda c: (c, True))
    try:
        with Sandbox(SandboxLimits(require_all=True)) as sb:
            sb.run("inc('x')", actions=acts, execute=lambda c: (c, True))
        strict = "ran"
    except SandboxUnavailable as e:
        strict = str(e)
    print(json.dumps({"m": m, "warnings": [str(w.message) for w in caught],
                      "ok": res.error is None, "strict": strict}))
    """
)


def test_missing_namespaces_warn_and_strict_mode_refuses() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout.splitlines()[-1])
    assert rep["m"]["netns"] is False and rep["m"]["mountns_chroot"] is False
    assert rep["m"]["seccomp"] is True and rep["m"]["no_new_privs"] is True
    assert "unshare" in rep["m"]["notes"]
    assert any("weaker containment" in w and "netns" in w for w in rep["warnings"])
    assert rep["ok"]  # non-strict still runs, with the warning
    assert "strict mode" in rep["strict"] and "netns" in rep["strict"]
