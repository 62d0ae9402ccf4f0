"""deploy/kubernetes: valid against the Kubernetes schemas, consistent with itself, and running
only commands, options and settings the real runhub CLI has."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import click
import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner

from runhub.cli.main import cli
from runhub.cli.server import server
from runhub.config import KNOBS
from runhub.security.hosts import host_allowed, parse_list

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
GUIDE = ROOT / "docs" / "kubernetes.md"
# Applied on their own, before the rest (docs/kubernetes.md), so not in kustomization.yaml.
APPLIED_SEPARATELY = {"secret.example.yaml", "db-upgrade-job.yaml"}
# A user's filled-in copy of the example Secret (git-ignored) is not part of the manifests.
LOCAL_COPY = "secret.yaml"
# Kubernetes replaces $(NAME) in args with the container's variable NAME.
ENV_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")

Resource = dict[str, Any]


def load_all() -> dict[str, list[Resource]]:
    return {
        path.name: [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        for path in sorted(MANIFESTS.glob("*.yaml"))
        if path.name != LOCAL_COPY
    }


@pytest.fixture(scope="module")
def files() -> dict[str, list[Resource]]:
    return load_all()


@pytest.fixture(scope="module")
def resources(files: dict[str, list[Resource]]) -> dict[str, Resource]:
    """Every Kubernetes object by kind (each kind appears once)."""
    found: dict[str, Resource] = {}
    for docs in files.values():
        for doc in docs:
            if doc["kind"] != "Kustomization":
                assert doc["kind"] not in found, f"two {doc['kind']} objects"
                found[doc["kind"]] = doc
    return found


@pytest.fixture(scope="module")
def server_help() -> str:
    result = CliRunner().invoke(cli, ["server", "--help"], terminal_width=400)
    assert result.exit_code == 0
    return result.output


def server_options() -> set[str]:
    names: set[str] = set()
    for param in server.params:
        if isinstance(param, click.Option):
            names.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return names


def known_env(server_help: str, name: str) -> bool:
    # AWS_* are the SDK's own variables, read by the S3 artifact store.
    return any(k.env == name for k in KNOBS) or name in server_help or name.startswith("AWS_")


def pod_spec(workload: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def container(workload: Resource) -> dict[str, Any]:
    containers: list[dict[str, Any]] = pod_spec(workload)["containers"]
    assert len(containers) == 1
    return containers[0]


def expand(args: list[str], env: dict[str, str]) -> list[str]:
    return [ENV_REFERENCE.sub(lambda m: env[m.group(1)], arg) for arg in args]


@pytest.mark.parametrize("version", ["1.29.0", kubernetes_validate.latest_version()])
def test_every_manifest_is_valid_for_kubernetes(
    files: dict[str, list[Resource]], version: str
) -> None:
    # strict: a misspelt or misplaced field fails instead of being ignored by the cluster.
    checked = 0
    for name, docs in files.items():
        for doc in docs:
            if doc["kind"] == "Kustomization":
                continue
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{name}: {error.message} at {list(error.path)}")
            checked += 1
    assert checked == 6


def test_kustomization_lists_every_manifest_but_the_secret_and_the_job(
    files: dict[str, list[Resource]],
) -> None:
    (kustomization,) = files["kustomization.yaml"]
    assert kustomization["kind"] == "Kustomization"
    listed = set(kustomization["resources"])
    assert listed == set(files) - {"kustomization.yaml"} - APPLIED_SEPARATELY


def test_service_and_disruption_budget_select_the_server_pods_only(
    resources: dict[str, Resource],
) -> None:
    deployment, service = resources["Deployment"], resources["Service"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert deployment["spec"]["replicas"] >= 2
    selector = service["spec"]["selector"]
    assert selector.items() <= pod_labels.items()
    assert resources["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == selector
    job_labels = resources["Job"]["spec"]["template"]["metadata"]["labels"]
    assert not selector.items() <= job_labels.items(), "the Service would send traffic to the Job"

    port_names = {p["name"] for p in container(deployment)["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def test_probes_ask_health_on_the_port_the_server_binds(resources: dict[str, Resource]) -> None:
    main = container(resources["Deployment"])
    args = main["args"]
    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    assert str(ports["http"]) == args[args.index("--port") + 1]
    assert args[args.index("--host") + 1] == "0.0.0.0"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe


def test_server_runs_with_real_options_and_settings(
    resources: dict[str, Resource], server_help: str
) -> None:
    main = container(resources["Deployment"])
    args: list[str] = main["args"]
    assert args[0] == "server"
    flags = {arg for arg in args if arg.startswith("--")}
    assert flags <= server_options(), flags - server_options()
    server.make_context("server", args[1:])  # click parses them as `runhub server` would

    configured = set(resources["ConfigMap"]["data"])
    from_secrets = {e["name"] for e in main["env"]}
    unknown = sorted(n for n in configured | from_secrets if not known_env(server_help, n))
    assert unknown == [], f"not runhub settings: {unknown}"
    assert "MLFLOW_BACKEND_STORE_URI" in from_secrets
    assert resources["ConfigMap"]["data"]["MLFLOW_ARTIFACTS_DESTINATION"].startswith("s3://")
    assert [ref["configMapRef"]["name"] for ref in main["envFrom"]] == [
        resources["ConfigMap"]["metadata"]["name"]
    ]


def test_allowed_hosts_let_in_the_service_names_and_the_scrapes_only(
    resources: dict[str, Resource],
) -> None:
    patterns = parse_list(resources["ConfigMap"]["data"]["MLFLOW_SERVER_ALLOWED_HOSTS"])
    assert patterns is not None and "*" not in patterns
    service = resources["Service"]["metadata"]["name"]
    port = container(resources["Deployment"])["ports"][0]["containerPort"]
    # In-cluster clients, kubectl port-forward, and Prometheus scraping a pod by its address.
    for host in (service, f"{service}.ml.svc", "localhost:5000", f"10.244.1.7:{port}"):
        assert host_allowed(host, patterns), host
    for host in ("evil.example", "10.evil.example", f"{service}.evil.example"):
        assert not host_allowed(host, patterns), host


def test_a_server_started_as_the_deployment_starts_it_answers_clients_and_scrapes(
    resources: dict[str, Resource], tmp_path: Path
) -> None:
    # The pod's arguments and environment, with a local port, SQLite and a local artifact
    # directory standing in for the cluster's address, PostgreSQL and S3.
    main = container(resources["Deployment"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args = list(main["args"])
    args[args.index("--host") + 1] = "127.0.0.1"
    args[args.index("--port") + 1] = str(port)
    # A directory of its own, like the pod's emptyDir: the server empties it at start.
    args[args.index("--expose-prometheus") + 1] = str(tmp_path / "metrics")
    secrets = {e["name"]: "a-long-random-test-value" for e in main["env"]}
    env = {**os.environ, **resources["ConfigMap"]["data"], **secrets}
    env["MLFLOW_BACKEND_STORE_URI"] = f"sqlite:///{tmp_path / 'runhub.db'}"
    env["MLFLOW_ARTIFACTS_DESTINATION"] = str(tmp_path / "artifacts")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "runhub", *args], env=env, stdout=out, stderr=out
        )

    def status(path: str, host: str) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if status("/health", "10.244.1.7") == 200:  # what the kubelet sends
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        search = "/api/2.0/mlflow/experiments/search?max_results=1"
        assert status(search, "runhub.ml.svc") == 200
        assert status(search, "evil.example") == 403
        assert status("/metrics", f"10.244.1.7:{port}") == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def secret_refs(node: Any) -> list[dict[str, str]]:
    if isinstance(node, dict):
        found = [node["secretKeyRef"]] if "secretKeyRef" in node else []
        return found + [ref for value in node.values() for ref in secret_refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in secret_refs(item)]
    return []


def test_every_secret_key_referenced_is_in_the_example_secret(
    resources: dict[str, Resource],
) -> None:
    secret = resources["Secret"]
    keys = set(secret["stringData"])
    refs = secret_refs(resources["Deployment"]) + secret_refs(resources["Job"])
    assert refs
    for ref in refs:
        assert ref["name"] == secret["metadata"]["name"]
        assert ref["key"] in keys, ref
        assert not ref.get("optional", False)
    assert keys == {ref["key"] for ref in refs}, "the example Secret has keys nothing reads"


def test_migration_job_runs_db_upgrade_on_the_servers_database(
    resources: dict[str, Resource], tmp_path: Path
) -> None:
    job, deployment = container(resources["Job"]), container(resources["Deployment"])
    assert job["image"] == deployment["image"]
    assert resources["Job"]["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    uri_source = {e["name"]: e["valueFrom"] for e in job["env"]}
    server_sources = {e["name"]: e["valueFrom"] for e in deployment["env"]}
    assert uri_source["MLFLOW_BACKEND_STORE_URI"] == server_sources["MLFLOW_BACKEND_STORE_URI"]

    # The Job's command, with the variable Kubernetes fills in, run against a real database.
    uri = f"sqlite:///{tmp_path / 'runhub.db'}"
    args = expand(job["args"], {"MLFLOW_BACKEND_STORE_URI": uri})
    assert args == ["db", "upgrade", uri]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "upgraded" in first.output, first.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "already" in again.output, again.output


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_pods_run_unprivileged_on_a_read_only_root(
    resources: dict[str, Resource], kind: str
) -> None:
    spec = pod_spec(resources[kind])
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec["automountServiceAccountToken"] is False
    main = container(resources[kind])
    assert main["securityContext"]["readOnlyRootFilesystem"] is True
    assert main["securityContext"]["allowPrivilegeEscalation"] is False
    assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert main["resources"]["requests"] and main["resources"]["limits"]["memory"]
    # Writable scratch space only where the process writes: /tmp and the metrics directory.
    mounts = {m["mountPath"] for m in main["volumeMounts"]}
    assert "/tmp" in mounts
    if "--expose-prometheus" in main["args"]:
        assert main["args"][main["args"].index("--expose-prometheus") + 1] in mounts
    scratch = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
    assert {m["name"] for m in main["volumeMounts"]} <= scratch


def test_guide_is_linked_and_names_only_real_files_and_settings(server_help: str) -> None:
    guide = GUIDE.read_text()
    assert "docs/kubernetes.md" in (ROOT / "README.md").read_text()
    for name in load_all():
        assert name in guide, f"docs/kubernetes.md does not mention {name}"
    for command in ("runhub db upgrade", "kubectl apply -k deploy/kubernetes"):
        assert command in guide
    names = set(re.findall(r"\b(?:MLFLOW|RUNHUB|AWS)_[A-Z0-9_]+\b", guide))
    build_args = set(re.findall(r"^ARG (\w+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE))
    unknown = sorted(n for n in names - build_args if not known_env(server_help, n))
    assert unknown == [], unknown
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", guide))
    other_tools = {"--for", "--timeout", "--ignore-not-found", "--replicas", "--current"}
    other_tools |= {"--namespace", "--build-arg", "--short"}
    assert flags - other_tools <= server_options(), flags - other_tools - server_options()
