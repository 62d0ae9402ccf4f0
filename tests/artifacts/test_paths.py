"""Artifact paths: decoding, the refusals, and confinement to a root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runhub.artifacts.locations import destination_path, validate_artifact_location
from runhub.artifacts.paths import base_name, clean_path, confine
from runhub.errors import InvalidParameter


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("", ""),
        ("a", "a"),
        ("a/b/c.txt", "a/b/c.txt"),
        ("a//b/./c.txt/", "a/b/c.txt"),
        ("1/abc/artifacts", "1/abc/artifacts"),
        ("with%20space.txt", "with space.txt"),
        ("caf%C3%A9.txt", "café.txt"),
        ("..a/b..", "..a/b.."),  # dots inside a name are fine
    ],
)
def test_clean_paths_are_relative_and_normalised(raw: str, clean: str) -> None:
    assert clean_path(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "..",
        "../x",
        "a/../../x",
        "a/..",
        "%2e%2e/x",
        "%2E%2E%2Fx",
        "a%2f%2e%2e%2f%2e%2e%2fx",
        "%252e%252e/x",
        "%25252e%25252e%25252fx",
        "..\\x",
        "a\\b",
        "..%5cx",
        "a/..;/x",
        "a;b",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "C:/Windows/win.ini",
        "c:x",
        "a\x00b",
        "a%00b",
        "a\nb",
        "%ff%fe",
        "%" + "25" * 9 + "2e",  # encoded more times than any real name
    ],
)
def test_escaping_paths_are_refused(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="Invalid path"):
        clean_path(raw)


def test_base_name_takes_either_separator() -> None:
    assert base_name("/home/u/data/model.bin") == "model.bin"
    assert base_name("C:\\Users\\u\\model.bin") == "model.bin"
    assert base_name("model.bin") == "model.bin"


def test_confine_follows_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inside").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", root / "escape")
    os.symlink(root / "inside", root / "alias")
    resolved = root.resolve()
    assert confine(resolved, "inside/f.txt") == resolved / "inside" / "f.txt"
    assert confine(resolved, "alias/f.txt") == resolved / "inside" / "f.txt"
    assert confine(resolved, "") == resolved
    with pytest.raises(InvalidParameter, match="outside the artifact root"):
        confine(resolved, "escape/f.txt")


@pytest.mark.parametrize(
    ("uri", "destination", "expected"),
    [
        ("mlflow-artifacts:/1/r/artifacts", "/srv/art", "1/r/artifacts"),
        ("mlflow-artifacts://host:5000/1/r/artifacts", "/srv/art", "1/r/artifacts"),
        ("/srv/art/1/r/artifacts", "/srv/art", "1/r/artifacts"),
        ("file:///srv/art/1/r/artifacts", "/srv/art", "1/r/artifacts"),
        ("s3://b/p/1/r/artifacts", "s3://b/p", "1/r/artifacts"),
        ("s3://b/other/1/r", "s3://b/p", None),
        ("/srv/artifacts-elsewhere/1", "/srv/art", None),
        ("/etc", "/srv/art", None),
    ],
)
def test_destination_path(uri: str, destination: str, expected: str | None) -> None:
    assert destination_path(uri, destination) == expected


def test_proxied_uri_that_climbs_is_refused() -> None:
    with pytest.raises(InvalidParameter):
        destination_path("mlflow-artifacts:/../../etc", "/srv/art")


@pytest.mark.parametrize(
    "location",
    ["mlflow-artifacts:/x/../../y", "/data/../etc", "s3://b/%2e%2e/x", "file:///a\x00b"],
)
def test_bad_artifact_locations_are_refused(location: str) -> None:
    with pytest.raises(InvalidParameter):
        validate_artifact_location(location)


@pytest.mark.parametrize(
    "location", ["mlflow-artifacts:/team", "s3://bucket/path", "/data/mlruns", "C:\\mlruns"]
)
def test_ordinary_artifact_locations_pass(location: str) -> None:
    validate_artifact_location(location)
