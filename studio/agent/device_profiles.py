"""The operator profiles of the runtimes the agent on a device runs, as it reports them."""

from __future__ import annotations

from studio.agent.deployment import ensure_agent, remove_forward
from studio.errors import AgentError
from studio.progress import Progress, no_progress


def device_runtime_profiles(serial: str, server=None, progress: Progress = no_progress) -> list:
    """The runtime profiles the agent on ``serial`` reports (``RuntimeProfile`` objects).

    ``progress`` follows the push of the agent to a phone that does not hold it yet.
    """
    from studio.compat.profiles import RuntimeProfile

    endpoint = ensure_agent(serial, server, progress)
    try:
        with endpoint.connect(operators=True) as conn:
            caps = conn.capabilities
    finally:
        remove_forward(serial, endpoint.local_port, server)
    profiles = []
    for entry in caps.get("runtimes", []):
        if not entry.get("profile"):
            continue
        profile = RuntimeProfile.from_dict(
            entry["profile"], origin=f"the {entry['name']} profile from {serial}"
        )
        profile.name = f"{serial}/{entry['name']}"
        profile.title = f"{profile.title.split(' (')[0]} on {serial}"
        profile.source = f"the Model Studio agent on {serial}: {profile.source}"
        profiles.append(profile)
    if not profiles:
        raise AgentError(f"The agent on {serial} reported no runtime profiles")
    return profiles
