"""The phone agent bundle's manifest, file format and import, on small bundles built here."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from studio.agent.bundle import BundleError, find_bundle, import_bundle
from studio.agent.bundle.archive import archive_name, write_archive
from studio.agent.bundle.components import Component
from studio.agent.bundle.launcher import LAUNCHER, MANIFEST, launcher_text
from studio.agent.bundle.manifest import bundle_id, make_manifest, manifest_bytes
from studio.agent.bundle.sources import find_archive, sha256_file

COMPONENTS = [
    Component("libc6", "2.41-12", "a" * 64, "deb", "base"),
    Component("numpy", "2.5.5", "b" * 64, "wheel", "core"),
    Component("studio", "0.1.0", "c" * 64, "code", "core"),
]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_STUDIO_CACHE_DIR", str(tmp_path / "cache"))


def small_bundle(folder, components=COMPONENTS):
    """A bundle folder with a launcher, one library and one module; its manifest."""
    agent = folder / "agent"
    contents = {
        LAUNCHER: launcher_text().encode(),
        "lib/libc.so.6": b"\x7fELF not really",
        "site/numpy/__init__.py": b"version = '2.5.5'\n",
    }
    owners = {LAUNCHER: "launcher", "lib/libc.so.6": "libc6", "site/numpy/__init__.py": "numpy"}
    files = {}
    for rel, data in contents.items():
        (agent / rel).parent.mkdir(parents=True, exist_ok=True)
        (agent / rel).write_bytes(data)
        files[rel] = {
            "sha256": sha256_file(agent / rel),
            "size": len(data),
            "component": owners[rel],
        }
    manifest = make_manifest(components, files, ["base", "core"])
    (agent / MANIFEST).write_bytes(manifest_bytes(manifest))
    return agent, manifest


def test_bundle_id_depends_on_the_inputs_only():
    launcher = "d" * 64
    same = bundle_id(list(reversed(COMPONENTS)), launcher)
    assert bundle_id(COMPONENTS, launcher) == same
    newer = [*COMPONENTS[:1], Component("numpy", "2.5.6", "b" * 64, "wheel", "core"), COMPONENTS[2]]
    assert bundle_id(newer, launcher) != same
    other_bytes = [*COMPONENTS[:2], Component("studio", "0.1.0", "e" * 64, "code", "core")]
    assert bundle_id(other_bytes, launcher) != same
    assert bundle_id(COMPONENTS, "f" * 64) != same


def test_archive_is_byte_identical_and_imports(tmp_path):
    agent, manifest = small_bundle(tmp_path / "a")
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    write_archive(agent, first)
    (agent / "lib/libc.so.6").touch()  # a newer time changes nothing in the file
    write_archive(agent, second)
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        names = tar.getnames()
    assert names[:2] == ["agent", "agent/manifest.json"]

    assert find_bundle() is None
    bundle = import_bundle(first)
    assert bundle.id == manifest["id"] and find_bundle() == bundle
    assert (bundle.folder / "site/numpy/__init__.py").read_bytes() == b"version = '2.5.5'\n"
    assert bundle.archive is not None and bundle.archive.name == archive_name(bundle.id)
    assert (bundle.folder / LAUNCHER).stat().st_mode & 0o777 == 0o755
    assert (bundle.folder / "lib/libc.so.6").stat().st_mode & 0o777 == 0o644


def rewrite(source, dest, change):
    """Copy tarball ``source`` to ``dest``, passing each (info, data) through ``change``."""
    with tarfile.open(source) as old, tarfile.open(dest, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read() if info.isfile() else None
            for info2, data2 in change(info, data):
                if data2 is not None:
                    info2.size = len(data2)
                new.addfile(info2, io.BytesIO(data2) if data2 is not None else None)


def refused_import(tmp_path, change, message):
    agent, _ = small_bundle(tmp_path / "a")
    good, bad = tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz"
    write_archive(agent, good)
    rewrite(good, bad, change)
    with pytest.raises(BundleError, match=message):
        import_bundle(bad)
    assert find_bundle() is None
    return good


def test_import_refuses_a_file_whose_content_does_not_match_the_manifest(tmp_path):
    def change(info, data):
        if info.name == "agent/site/numpy/__init__.py":
            data = b"import os;os.abort"  # the same size: only the checksum tells
        yield info, data

    good = refused_import(tmp_path, change, "does not match its manifest's SHA-256")
    import_bundle(good)  # the same bundle unchanged is taken, after a refused one
    assert find_bundle() is not None


def test_import_refuses_a_manifest_whose_id_is_not_its_components(tmp_path):
    def change(info, data):
        if info.name == "agent/manifest.json":
            manifest = json.loads(data)
            manifest["components"][1]["version"] = "9.9.9"  # same id, other contents
            data = manifest_bytes(manifest)
        yield info, data

    refused_import(tmp_path, change, "the manifest was changed")


def test_import_refuses_links_unlisted_files_and_paths_outside(tmp_path):
    def add_link(info, data):
        yield info, data
        if info.name == "agent/manifest.json":
            link = tarfile.TarInfo("agent/lib/libz.so.1")
            link.type, link.linkname = tarfile.SYMTYPE, "/system/lib64/libz.so"
            yield link, None

    refused_import(tmp_path, add_link, "does not list")

    def escape(info, data):
        yield info, data
        if info.name == "agent/manifest.json":
            yield tarfile.TarInfo("agent/../../outside.py"), b""

    refused_import(tmp_path / "2", escape, "outside its agent/ folder")
    assert not list(tmp_path.rglob("outside.py"))

    def drop(info, data):
        if info.name != "agent/lib/libc.so.6":
            yield info, data

    refused_import(tmp_path / "3", drop, "lacks 1 listed files")


def test_import_refuses_what_is_not_a_bundle(tmp_path):
    plain = tmp_path / "notes.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    with pytest.raises(BundleError, match="not a Model Studio phone agent bundle"):
        import_bundle(plain)
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b" + b"\0" * 100)
    with pytest.raises(BundleError, match="not a readable bundle file"):
        import_bundle(garbage)


def test_debian_archive_from_the_system_sources_formats():
    deb822 = """Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: https://other.example/node
Suites: nodistro
Components: main
"""
    archive = find_archive([deb822])
    assert archive.main == "http://mirror.example/debian"
    assert archive.security == "http://mirror.example/debian-security"
    one_line = "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m.example/d bookworm main\n"
    assert find_archive([one_line]).main == "http://m.example/d"
    assert find_archive(["deb http://archive.example/ubuntu noble main\n"]) is None


def test_an_installed_studio_finds_the_bundle_it_ships_with(tmp_path, monkeypatch):
    resources = tmp_path / "resources"
    agent, manifest = small_bundle(resources / "agent-bundle")
    write_archive(agent, resources / "agent-bundle" / archive_name(manifest["id"]))
    assert find_bundle() is None  # an empty cache and no shipped bundle
    monkeypatch.setenv("MODEL_STUDIO_RESOURCES", str(resources))
    shipped = find_bundle()
    assert shipped is not None and shipped.id == manifest["id"]
    assert shipped.archive == resources / "agent-bundle" / archive_name(manifest["id"])
    # a bundle built or imported here comes first
    newer = [*COMPONENTS[:1], Component("numpy", "2.5.6", "d" * 64, "wheel", "core"), COMPONENTS[2]]
    other, other_manifest = small_bundle(tmp_path / "other", newer)
    write_archive(other, tmp_path / "other.tar.gz")
    assert other_manifest["id"] != manifest["id"]
    assert import_bundle(tmp_path / "other.tar.gz").id == other_manifest["id"] == find_bundle().id
