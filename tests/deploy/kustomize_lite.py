"""A small Kustomize renderer for the features deploy/kubernetes uses, for machines without
`kubectl kustomize`: resources (files and directories), patches (strategic merge on maps,
matched by kind and name), images, namespace. Anything else is refused, not ignored."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "patches", "images", "namespace"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}


def render(directory: Path) -> list[dict[str, Any]]:
    """The objects `kubectl kustomize directory` would print (same content, any order)."""
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise ValueError(f"{directory}: kustomize_lite does not support {sorted(unknown)}")
    objects: list[dict[str, Any]] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        objects += render(path) if path.is_dir() else _load(path)
    for patch in spec.get("patches", []):
        for doc in _load(directory / patch["path"]):
            _merge(_find(objects, doc["kind"], doc["metadata"]["name"]), doc)
    for image in spec.get("images", []):
        for obj in objects:
            _retag(obj, image)
    if "namespace" in spec:
        for obj in objects:
            if obj["kind"] == "Namespace":
                obj["metadata"]["name"] = spec["namespace"]
            elif obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = spec["namespace"]
    return objects


def _load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    if len(found) != 1:
        raise ValueError(f"patch target {kind}/{name}: {len(found)} matches")
    return found[0]


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            raise ValueError(f"kustomize_lite cannot merge lists of objects ({key})")
        else:
            target[key] = copy.deepcopy(value)


def _retag(obj: dict[str, Any], image: dict[str, str]) -> None:
    pod = obj.get("spec", {}).get("template", {}).get("spec", {})
    for container in [*pod.get("containers", []), *pod.get("initContainers", [])]:
        name, _, tag = container["image"].partition(":")
        if name != image["name"]:
            continue
        container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}".rstrip(":")
