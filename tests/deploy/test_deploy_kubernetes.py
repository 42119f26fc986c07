"""Kubernetes manifests: rendered like `kubectl kustomize`, validated offline against the
Kubernetes schemas (kubernetes-validate) and KEDA's ScaledObject CRD schema (jsonschema)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from deploy_support import DEPLOY
from kustomize_lite import render

from shared.events import streams
from shared.settings import DEFAULT_PORTS, PROCESSES, SERVICES

K8S = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.30.0"
KEDA_SCHEMA = json.loads((K8S / "schemas" / "keda-scaledobject.json").read_text())
KNOWN_STREAMS = {*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS}
TREES = {"base": K8S / "base", "dev": K8S / "overlays" / "dev"}


def kubectl_kustomize(directory: Path) -> list[dict[str, Any]] | None:
    """`kubectl kustomize` output, or None where kubectl is not installed."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    out = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def rendered(tree: str) -> list[dict[str, Any]]:
    """The tree rendered by kubectl when present, else by kustomize_lite."""
    return kubectl_kustomize(TREES[tree]) or render(TREES[tree])


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def keyed(objects: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


@pytest.mark.parametrize("tree", TREES)
def test_every_object_is_valid_kubernetes(tree: str) -> None:
    objects = rendered(tree)
    core = [o for o in objects if not o["apiVersion"].startswith("keda.sh/")]
    assert len(core) >= 4 * 3 + 2
    for obj in core:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_a_misspelt_field() -> None:
    deployment = copy.deepcopy(by_kind(rendered("base"), "Deployment")["caseplan"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("tree", TREES)
def test_scaled_objects_match_kedas_crd_schema(tree: str) -> None:
    jsonschema.Draft7Validator.check_schema(KEDA_SCHEMA)
    scaled = by_kind(rendered(tree), "ScaledObject")
    assert set(scaled) == set(SERVICES)
    for obj in scaled.values():
        jsonschema.validate(obj, KEDA_SCHEMA)


def test_keda_schema_rejects_a_number_where_keda_wants_a_string() -> None:
    obj = copy.deepcopy(by_kind(rendered("base"), "ScaledObject")["caseplan"])
    obj["spec"]["triggers"][0]["metadata"]["lagCount"] = 1000
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(obj, KEDA_SCHEMA)
    obj = copy.deepcopy(by_kind(rendered("base"), "ScaledObject")["caseplan"])
    obj["spec"]["maxReplicas"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(obj, KEDA_SCHEMA)


def test_each_consumer_scales_on_its_groups_lag() -> None:
    """Lag (entries not yet delivered) is where a backlog waits; pending entries are at
    most a batch per replica, so a trigger on them cannot see one."""
    objects = rendered("base")
    deployments = by_kind(objects, "Deployment")
    config = by_kind(objects, "ConfigMap")["polku-config"]["data"]
    for name, obj in by_kind(objects, "ScaledObject").items():
        spec = obj["spec"]
        assert spec["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert name in deployments and "replicas" not in deployments[name]["spec"]
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        assert spec["triggers"]
        for trigger in spec["triggers"]:
            meta = trigger["metadata"]
            assert trigger["type"] == "redis-streams"
            assert meta["consumerGroup"] == name
            assert meta["stream"] in KNOWN_STREAMS
            assert int(meta["lagCount"]) > 0
            assert "pendingEntriesCount" not in meta and "streamLength" not in meta
            assert config[meta["addressFromEnv"]].endswith(":6379")
    intake = by_kind(objects, "ScaledObject")["intake"]["spec"]["triggers"]
    assert [t["metadata"]["stream"] for t in intake] == [streams.INTAKE_REQUESTS]


def test_deployments_have_probes_resources_and_a_disruption_budget() -> None:
    objects = rendered("base")
    budgets = by_kind(objects, "PodDisruptionBudget")
    services = by_kind(objects, "Service")
    for name, deployment in by_kind(objects, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["args"] == ["run", name]
        assert container["ports"][0]["containerPort"] == DEFAULT_PORTS[name]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["resources"]["requests"] and container["resources"]["limits"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["initContainers"][0]["args"] == ["migrate", name]
        refs = [next(iter(ref.values()))["name"] for ref in container["envFrom"]]
        assert refs == ["polku-config", "polku-secrets"]
        labels = deployment["spec"]["selector"]["matchLabels"]
        assert budgets[name]["spec"]["selector"]["matchLabels"] == labels
        assert services[name]["spec"]["selector"] == labels
    job = by_kind(objects, "Job")["polku-migrate"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]


def test_database_and_redis_are_external_and_secrets_stay_out_of_the_base() -> None:
    base = rendered("base")
    assert not by_kind(base, "Secret"), "the base references polku-secrets, never holds it"
    assert not any(o["kind"] in {"StatefulSet"} for o in base)
    config = by_kind(base, "ConfigMap")["polku-config"]["data"]
    assert "POLKU_DATABASE_URL" not in config
    assert config["POLKU_REDIS_URL"].startswith("redis://")
    dev = rendered("dev")
    assert set(by_kind(dev, "Secret")["polku-secrets"]["stringData"]) >= {"POLKU_DATABASE_URL"}
    assert {o["metadata"].get("namespace") for o in dev if o["kind"] != "Namespace"} == {
        "polku-dev"
    }
    images = {
        c["image"]
        for d in by_kind(dev, "Deployment").values()
        for c in d["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"ghcr.io/polku/polku:dev"}


@pytest.mark.parametrize("tree", TREES)
def test_kustomize_lite_renders_what_kubectl_renders(tree: str) -> None:
    """Where kubectl exists, the fallback renderer must agree with it exactly."""
    real = kubectl_kustomize(TREES[tree])
    lite = render(TREES[tree])
    if real is None:
        assert keyed(lite), "kubectl absent: the fallback rendering is what the tests use"
        return
    assert keyed(lite) == keyed(real)


def test_service_containers_get_only_their_own_login_and_migrations_the_owner() -> None:
    for name, deployment in by_kind(rendered("base"), "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        (url,) = [e for e in container["env"] if e["name"] == "POLKU_DATABASE_URL"]
        ref = url["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "polku-database-logins", "key": f"POLKU_{name.upper()}_DATABASE_URL"}
        refs = [next(iter(r.values()))["name"] for r in pod["initContainers"][0]["envFrom"]]
        assert "polku-database-logins" in refs, "migrations create the roles of these logins"
    dev = by_kind(rendered("dev"), "Secret")["polku-database-logins"]["stringData"]
    for service in PROCESSES:
        assert dev[f"POLKU_{service.upper()}_DATABASE_URL"].startswith(
            f"postgresql://polku_{service}:"
        )
