"""Peak memory (VmHWM, the resident high-water mark) and CPU time of a process, from /proc."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory in MiB; None when it is gone or /proc is missing."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far, in seconds; None when it is gone."""
    import os

    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces), counted from field 3: utime is 14.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    import os
    import platform

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def cpu_ms_per(
    before: dict[str, float | None], after: dict[str, float | None], count: int
) -> dict[str, float | None]:
    """CPU milliseconds per message of each process between two readings of `cpu_seconds`."""
    out: dict[str, float | None] = {}
    for name, start in before.items():
        end = after[name]
        used = end - start if end is not None and start is not None else None
        out[name] = round(used * 1000 / count, 2) if used is not None and count else None
    return out
