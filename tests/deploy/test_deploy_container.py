"""The container deployment, checked without a Docker engine: compose file, Dockerfile,
.dockerignore, the constraints lock and the CLI the image runs."""

from __future__ import annotations

import json
import re
from importlib import metadata
from typing import Any

import pytest
import yaml
from deploy_support import DEPLOY, ROOT, load_script
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from shared.settings import DEFAULT_PORTS, PROCESSES, SERVICES

lock = load_script(DEPLOY / "scripts" / "lock.py")

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SVC = COMPOSE["services"]


def dockerfile() -> list[tuple[str, str]]:
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage: what the image runs."""
    instructions = dockerfile()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    return instructions[last_from:]


def only(keyword: str) -> str:
    found = [rest for k, rest in runtime_stage() if k == keyword]
    assert len(found) == 1, f"expected one {keyword} in the runtime stage, got {found}"
    return found[0]


def test_compose_names_every_service_with_its_port_and_dependencies() -> None:
    expected = {"redis", "postgres", "migrate", "prometheus", "grafana", *PROCESSES}
    assert set(SVC) == expected
    for service in PROCESSES:
        spec = SVC[service]
        port = DEFAULT_PORTS[service]
        assert spec["command"] == ["run", service]
        assert spec["ports"] == [f"{port}:{port}"]
        env = spec["environment"]
        assert env["POLKU_DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["POLKU_DATABASE_URL"]
        assert env["POLKU_REDIS_URL"] == "redis://redis:6379/0"
        assert env["POLKU_HOST"] == "0.0.0.0"
        assert spec["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
        assert spec["build"] == "." and spec["image"] == SVC["migrate"]["image"]
    assert SVC["migrate"]["command"] == ["migrate"]
    assert SVC["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


SERVICE_KEYS = {
    "image", "build", "command", "environment", "depends_on", "ports", "volumes",
    "healthcheck", "restart", "stop_grace_period",
}  # fmt: skip
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "disable"}


def test_compose_uses_only_known_keys() -> None:
    """A misspelt key (`healthchek`, `depends-on`) is ignored by nobody but caught here."""
    assert set(COMPOSE) <= {
        "name", "services", "volumes", "x-polku-env", "x-polku-service", "x-polku-logins"
    }  # fmt: skip
    for name, spec in SVC.items():
        assert set(spec) <= SERVICE_KEYS, (name, set(spec) - SERVICE_KEYS)
        assert set(spec.get("healthcheck", {})) <= HEALTHCHECK_KEYS, name
        for dependency in spec.get("depends_on", {}):
            assert dependency in SVC, (name, dependency)
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in COMPOSE["volumes"], (name, volume)


def test_every_long_running_container_has_a_health_check() -> None:
    for name, spec in SVC.items():
        check = spec.get("healthcheck", {})
        if name == "migrate":
            assert check == {"disable": True}, "the one-shot migrate needs none"
            continue
        assert check.get("test", [""])[0] in {"CMD", "CMD-SHELL"}, name
        assert check.get("interval") and check.get("retries"), name
    for service in PROCESSES:
        test = SVC[service]["healthcheck"]["test"]
        assert test == ["CMD", "python", "/usr/local/bin/polku-healthcheck", service]
    assert "pg_isready" in SVC["postgres"]["healthcheck"]["test"]
    assert SVC["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "/-/ready" in " ".join(SVC["prometheus"]["healthcheck"]["test"])
    assert "/api/health" in " ".join(SVC["grafana"]["healthcheck"]["test"])


def test_redis_persists_with_aof_every_second_and_data_lives_in_volumes() -> None:
    command = SVC["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--appendfsync") + 1] == "everysec"
    assert "redis-data:/data" in SVC["redis"]["volumes"]
    assert SVC["postgres"]["image"].startswith("postgres:16")
    assert "postgres-data:/var/lib/postgresql/data" in SVC["postgres"]["volumes"]
    assert set(COMPOSE["volumes"]) >= {"redis-data", "postgres-data"}


def test_monitoring_mounts_the_files_that_exist() -> None:
    mounts = [*SVC["prometheus"]["volumes"], *SVC["grafana"]["volumes"]]
    for mount in mounts:
        source = mount.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), f"{mount}: {source} does not exist"
    assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in mounts
    for service in ("intake", "caseplan", "matching", "reporting"):
        assert SVC["prometheus"]["depends_on"][service] == {"condition": "service_healthy"}
    assert SVC["grafana"]["depends_on"] == {"prometheus": {"condition": "service_healthy"}}


def test_dockerfile_runs_polku_as_non_root_on_slim_python_3_11() -> None:
    args = dict(re.findall(r"(\w+)=(\S+)", " ".join(r for k, r in dockerfile() if k == "ARG")))
    image = args["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", image), image
    assert only("FROM").startswith("${PYTHON_IMAGE}")
    user = only("USER")
    assert user.split(":")[0] not in {"0", "root"}
    assert json.loads(only("ENTRYPOINT")) == ["polku"]
    assert json.loads(only("CMD")) == ["run", "intake"]
    healthcheck = only("HEALTHCHECK")
    assert "polku-healthcheck" in healthcheck
    install = " ".join(rest for k, rest in runtime_stage() if k == "RUN")
    assert "--constraint /tmp/constraints.txt" in install and "--no-index" in install
    copies = " ".join(rest for k, rest in dockerfile() if k == "COPY")
    assert "constraints.txt" in copies and "deploy/docker/healthcheck.py" in copies


def test_dockerignore_lets_in_exactly_what_the_dockerfile_copies() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "**", "start from nothing"
    allowed = {line[1:] for line in lines if line.startswith("!")}
    for keyword, rest in dockerfile():
        if keyword != "COPY" or "--from=" in rest:
            continue
        sources = [s for s in rest.split() if not s.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), source
            assert any(source == a or source.startswith(a + "/") for a in allowed), source


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_commands_are_accepted_by_the_cli(service: str) -> None:
    from polku.cli import build_parser

    parser, handlers = build_parser()
    args = parser.parse_args(["run", service])
    assert (args.command, args.service) == ("run", service)
    assert "migrate" in handlers and parser.parse_args(["migrate"]).command == "migrate"


def test_polku_run_help_lists_the_four_services_and_the_web(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from polku.cli import build_parser

    parser, _ = build_parser()
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["run", "--help"])
    assert exit_.value.code == 0
    choices = re.search(r"\{([a-z,]+)\}", capsys.readouterr().out)
    assert choices is not None
    assert set(choices.group(1).split(",")) == {*SERVICES, "web"}
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "payroll"])


def pins(lock_file: str = "constraints.txt") -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / lock_file).read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            found[canonicalize_name(name)] = version
    return found


def test_constraints_pin_every_runtime_dependency_at_the_tested_version() -> None:
    pinned = pins()
    needed = lock.closure(lock.runtime_requirements())
    missing = sorted(set(needed) - set(pinned))
    assert not missing, f"regenerate: deploy/scripts/lock.py; missing {missing}"
    for name, version in pinned.items():
        assert metadata.version(name) == version, f"{name}: tested {metadata.version(name)}"


def test_the_dev_lock_pins_every_tool_at_the_tested_version() -> None:
    pinned = pins("constraints-dev.txt")
    missing = sorted(set(lock.dev_closure()) - set(pinned))
    assert not missing, f"regenerate: deploy/scripts/lock.py; missing {missing}"
    for name, version in pinned.items():
        assert metadata.version(name) == version, f"{name}: tested {metadata.version(name)}"
    assert {"pytest", "ruff", "mypy", "pip"} <= set(pinned)
    assert not set(pinned) & set(pins()), "a runtime pin belongs in constraints.txt only"


def test_make_installs_only_locked_versions() -> None:
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("$(LOCKS)" in line for line in installs), installs
    assert "LOCKS  := -c constraints.txt -c constraints-dev.txt" in makefile


def test_constraints_satisfy_pyproject_and_hold_no_dev_tools() -> None:
    pinned = pins()
    for requirement in lock.runtime_requirements():
        version = pinned[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{requirement} vs {version}"
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "playwright", "pyyaml"):
        assert canonicalize_name(tool) not in pinned


def test_lock_closure_follows_extras_and_markers() -> None:
    closure: dict[str, Any] = lock.closure([Requirement("faststream[redis]")])
    assert "redis" in closure and "faststream" in closure
    assert "uvicorn" not in lock.closure([Requirement("faststream")])


def test_healthcheck_reads_the_service_from_the_main_process(tmp_path: Any) -> None:
    healthcheck = load_script(DEPLOY / "docker" / "healthcheck.py")
    cmdline = tmp_path / "cmdline"
    cmdline.write_bytes(b"/usr/local/bin/python\0/usr/local/bin/polku\0run\0matching\0")
    assert healthcheck.service_of_main_process(str(cmdline)) == "matching"
    cmdline.write_bytes(b"/usr/local/bin/polku\0migrate\0")
    assert healthcheck.service_of_main_process(str(cmdline)) is None
    assert healthcheck.main(["polku-healthcheck", "nonsense"]) == 1


def test_compose_services_log_in_as_their_own_roles_and_only_migrate_as_the_owner() -> None:
    migrate_env = SVC["migrate"]["environment"]
    assert migrate_env["POLKU_DATABASE_URL"].startswith("postgresql://polku:")
    for service in PROCESSES:
        own = SVC[service]["environment"]["POLKU_DATABASE_URL"]
        assert own.startswith(f"postgresql://polku_{service}:"), own
        assert migrate_env[f"POLKU_{service.upper()}_DATABASE_URL"] == own  # migrate creates it
        assert not any(k.endswith("_DATABASE_URL") for k in SVC[service]["environment"]
                       if k != "POLKU_DATABASE_URL")  # fmt: skip
