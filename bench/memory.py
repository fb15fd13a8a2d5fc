"""Peak memory of a process, read from Linux's /proc (VmHWM: the resident high-water mark)."""

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
