"""What the apps above met add to it, without met importing them (issue 19).

met is the base: it knows nothing of cases, risk, meetings or reports. Each of those registers here,
in its AppConfig.ready(), what met runs on its behalf: periodic sweeps (Celery beat and
`run_due_jobs`), demo-data builders (`seed_demo`) and home-page panels. Each runs in its declared
order, lowest first, so the order does not depend on INSTALLED_APPS.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sweep:
    """A periodic job: `run()` does the work and returns how many things it sent or changed. `groups`
    names the Celery beat tasks that run it (met/tasks.py: "reminders" every 15 minutes, "escalations"
    daily); `run_due_jobs` runs every sweep once, whatever its groups."""

    name: str
    run: Callable[[], int]
    groups: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class DemoBuilder:
    """Adds to the demo world. `build(world)` gets a dict the builders share (what earlier ones made)."""

    name: str
    build: Callable[[dict], object]
    order: int


@dataclass(frozen=True)
class HomePanel:
    """A section of the home page: `context(user)` gives its template variables, or None to hide it."""

    name: str
    template: str
    context: Callable[[object], dict | None]
    order: int


@dataclass
class _Registry:
    sweeps: dict[str, Sweep] = field(default_factory=dict)
    demo_builders: dict[str, DemoBuilder] = field(default_factory=dict)
    home_panels: dict[str, HomePanel] = field(default_factory=dict)
    # What a run of sweeps happens inside (met.reminders.digest, registered by met's AppConfig).
    sweep_context: Callable[[], AbstractContextManager] = nullcontext


_registry = _Registry()


def register_sweep(name: str, run: Callable[[], int], *, groups: tuple[str, ...] = (), order: int) -> None:
    # Keyed by name, so a ready() that runs twice (as in some test runners) registers once.
    _registry.sweeps[name] = Sweep(name, run, tuple(groups), order)


def register_demo_builder(name: str, build: Callable[[dict], object], *, order: int) -> None:
    _registry.demo_builders[name] = DemoBuilder(name, build, order)


def register_home_panel(name: str, *, template: str, context: Callable, order: int) -> None:
    _registry.home_panels[name] = HomePanel(name, template, context, order)


def sweeps(group: str | None = None) -> list[Sweep]:
    found = [s for s in _registry.sweeps.values() if group is None or group in s.groups]
    return sorted(found, key=lambda s: (s.order, s.name))


def run_sweeps(group: str | None = None) -> dict[str, int]:
    """Run the sweeps of a group (all of them when None) in their declared order. The reminders they
    find go out together when the last one is done: one message per person (met/reminders.py)."""
    with _registry.sweep_context():
        return {s.name: s.run() for s in sweeps(group)}


def set_sweep_context(context: Callable[[], AbstractContextManager]) -> None:
    _registry.sweep_context = context


def demo_builders() -> list[DemoBuilder]:
    return sorted(_registry.demo_builders.values(), key=lambda b: (b.order, b.name))


def home_panels() -> list[HomePanel]:
    return sorted(_registry.home_panels.values(), key=lambda p: (p.order, p.name))
