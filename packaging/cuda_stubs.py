"""Small stand-ins for the CUDA libraries of a CUDA build of torch (Linux only).

The studio runs models on the CPU. On Linux, the torch wheels on PyPI are CUDA builds:
their CPU libraries (``libtorch_cpu.so``, ``libtorch_python.so``, torch's ``_C``) name
the CUDA runtime, cuDNN, NCCL, ... and torch's own ``libtorch_cuda.so`` as needed
libraries, so the dynamic linker refuses to load torch without them. Bundled, these
weigh several gigabytes and are never used.

This module replaces each such library with a stub of the same name that defines only
the symbols the kept libraries import from it (functions that return an error or zero,
data objects of the right size) and the symbol versions they require. torch then loads
as a CPU build does: ``libtorch_cuda.so`` never registers its CUDA hooks, so
``torch.cuda.is_available()`` is False and every operator runs on the CPU. The CUDA
runtime's stubs answer ``cudaErrorNoDevice``, which torch reads as "no GPU".

A CPU build of torch (Windows, macOS, or Linux wheels from a CPU index) needs none of
this: :func:`is_cuda_library` matches nothing there.

Used by ``model-studio.spec`` at build time; needs ``readelf`` (binutils) and a C
compiler (``cc``).
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# Libraries that only serve CUDA. Matched against the file name and the folders of
# its path inside the bundle.
CUDA_NAME_PATTERNS = [
    "libtorch_cuda_linalg.so*",
    "libtorch_nvshmem.so*",
    "libcaffe2_nvrtc.so*",
    "libcuda*.so*",
    "libcu*.so*",
    "libnv*.so*",
    "libnccl*.so*",
    "libcheckpoint.so*",
    "libpcsamplingutil.so*",
    "nvshmem_*.so*",
    "libtriton*.so*",
]
CUDA_FOLDERS = {"nvidia", "triton"}

CUDART_NO_DEVICE = 100  # cudaErrorNoDevice
NOT_AVAILABLE = "CUDA is not available in this build of Model Studio (it runs models on the CPU)"
_SYMBOL_RE = re.compile(
    r"^\s*\d+:\s+[0-9a-f]+\s+(\d+|0x[0-9a-f]+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)"
)


def is_cuda_library(dest_name: str) -> bool:
    """Whether a bundled binary (its path inside the bundle) exists only for CUDA."""
    path = PurePosixPath(str(dest_name).replace("\\", "/"))
    if CUDA_FOLDERS.intersection(path.parts[:-1]):
        return True
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in CUDA_NAME_PATTERNS)


@dataclass
class Symbol:
    name: str
    kind: str  # FUNC, OBJECT, TLS, IFUNC, NOTYPE
    size: int
    version: str | None


@dataclass
class ElfInfo:
    soname: str | None
    needed: list[str]
    defined: dict[str, Symbol]
    undefined: list[Symbol]
    version_needs: dict[str, set[str]] = field(default_factory=dict)  # file -> versions


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def read_elf(path: str | Path) -> ElfInfo:
    dynamic = _run("readelf", "-d", "-W", str(path))
    soname = None
    needed = []
    for line in dynamic.splitlines():
        match = re.search(r"\((SONAME|NEEDED)\)\s+\S+.*\[(.+)\]", line)
        if match:
            if match.group(1) == "SONAME":
                soname = match.group(2)
            else:
                needed.append(match.group(2))
    defined: dict[str, Symbol] = {}
    undefined: list[Symbol] = []
    for line in _run("readelf", "--dyn-syms", "-W", str(path)).splitlines():
        match = _SYMBOL_RE.match(line)
        if not match:
            continue
        size_text, kind, bind, ndx, name = match.groups()
        if bind == "LOCAL":
            continue
        size = int(size_text, 0)
        name = name.split(" (")[0]
        base, _, version = name.replace("@@", "@").partition("@")
        symbol = Symbol(base, kind, size, version or None)
        if ndx == "UND":
            if bind != "WEAK":
                undefined.append(symbol)
        else:
            defined.setdefault(base, symbol)
    needs: dict[str, set[str]] = {}
    current = None
    for line in _run("readelf", "-V", "-W", str(path)).splitlines():
        file_match = re.search(r"File: (\S+)\s+Cnt:", line)
        if file_match:
            current = file_match.group(1)
            needs.setdefault(current, set())
            continue
        name_match = re.search(r"Name: (\S+)\s+Flags:", line)
        if name_match and current:
            needs[current].add(name_match.group(1))
    return ElfInfo(soname, needed, defined, undefined, needs)


# Functions of the stubs return the address of a zeroed scratch area that lies on a
# 4 GiB boundary: read as a pointer or reference (``get_gil_checker()`` returns one that
# torch writes through while it loads) it is valid, zeroed memory; read as a bool, an
# int, a device count or a status code (all in the low 32 bits), it is 0.
SCRATCH_C = r"""
#include <stdint.h>
#include <sys/mman.h>
#define SCRATCH_SIZE ((size_t)1 << 20)
#define FOUR_GIB ((uintptr_t)1 << 32)
static void *scratch;
__attribute__((constructor)) static void make_scratch(void) {
    size_t span = FOUR_GIB * 2;
    char *base = mmap(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return;
    char *aligned = (char *)(((uintptr_t)base + FOUR_GIB - 1) & ~(FOUR_GIB - 1));
    if (aligned > base) munmap(base, aligned - base);
    munmap(aligned + SCRATCH_SIZE, base + span - (aligned + SCRATCH_SIZE));
    if (mprotect(aligned, SCRATCH_SIZE, PROT_READ | PROT_WRITE) == 0) scratch = aligned;
}
"""


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stub_source(soname: str, symbols: list[Symbol]) -> str:
    """C source of a stub library that defines ``symbols``."""
    cudart = soname.startswith("libcudart")
    lines = [
        f"/* Stub of {soname}: generated by packaging/cuda_stubs.py. */",
        SCRATCH_C,
        f"static const char not_available[] = {_c_string(NOT_AVAILABLE)};",
        'extern char class_type_info_vtable[] __asm__("_ZTVN10__cxxabiv117__class_type_infoE");',
    ]
    for index, symbol in enumerate(sorted(symbols, key=lambda s: s.name)):
        label = _c_string(symbol.name)
        if symbol.kind == "OBJECT" and symbol.name.startswith("_ZTI") and symbol.size >= 16:
            # A C++ class's type_info: pybind11 hashes its name while torch loads.
            words = symbol.size // 8
            lines.append(
                f"const void *s{index}[{words}] __asm__({label}) "
                f'__attribute__((visibility("default"))) = '
                f"{{ class_type_info_vtable + 16, {_c_string(symbol.name[4:])} }};"
            )
            continue
        if symbol.kind == "OBJECT" and symbol.name.startswith("_ZTS"):
            lines.append(
                f"const char s{index}[] __asm__({label}) "
                f'__attribute__((visibility("default"))) = {_c_string(symbol.name[4:])};'
            )
            continue
        if symbol.kind in ("OBJECT", "TLS", "COMMON"):
            storage = "__thread " if symbol.kind == "TLS" else ""
            size = max(symbol.size, 1)
            lines.append(
                f"{storage}char s{index}[{size}] __asm__({label}) "
                f'__attribute__((aligned(16), visibility("default"))) = {{0}};'
            )
            continue
        if cudart and symbol.name in ("cudaGetErrorString", "cudaGetErrorName"):
            body = "return not_available;"
            kind = "const char *"
        elif cudart and symbol.name.startswith("cuda"):
            body = f"return {CUDART_NO_DEVICE};"
            kind = "long"
        else:
            body = "return scratch;"
            kind = "void *"
        lines.append(
            f'__attribute__((visibility("default"))) {kind} f{index}(void) __asm__({label});'
        )
        lines.append(f"{kind} f{index}(void) {{ {body} }}")
    return "\n".join(lines) + "\n"


def version_script(symbols: list[Symbol], versions: set[str]) -> str | None:
    """A linker version script giving each symbol the version its users ask for."""
    if not versions:
        return None
    ordered = sorted(versions)
    by_version: dict[str, list[str]] = {version: [] for version in ordered}
    for symbol in symbols:
        version = symbol.version if symbol.version in by_version else ordered[0]
        by_version[version].append(symbol.name)
    blocks = []
    for number, version in enumerate(ordered):
        names = by_version[version] or [f"__model_studio_stub_version_{number}"]
        body = " ".join(f"{name};" for name in sorted(names))
        blocks.append(f"{version} {{ global: {body} }};")
    return "\n".join(blocks) + "\n"


def build_stub(soname: str, symbols: list[Symbol], versions: set[str], out_dir: Path) -> Path:
    """Compile the stub library ``out_dir/soname``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / f"{soname}.c"
    symbols = list(symbols)
    script_text = version_script(symbols, versions)
    # Version nodes without any needed symbol get a placeholder function of their own.
    if script_text:
        known = {symbol.name for symbol in symbols}
        for name in re.findall(r"(__model_studio_stub_version_\d+);", script_text):
            if name not in known:
                symbols.append(Symbol(name, "FUNC", 0, None))
    source.write_text(stub_source(soname, symbols))
    target = out_dir / soname
    command = ["cc", "-shared", "-fPIC", "-O1", "-w", f"-Wl,-soname,{soname}"]
    if script_text:
        script = out_dir / f"{soname}.map"
        script.write_text(script_text)
        command.append(f"-Wl,--version-script={script}")
    command += ["-o", str(target), str(source), "-lstdc++"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot build the stub {soname}:\n{done.stderr[-4000:]}")
    return target


def _definition(name: str, preferred: list[ElfInfo], others: list[ElfInfo]) -> Symbol | None:
    for info in preferred + others:
        if name in info.defined:
            return info.defined[name]
    return None


def make_stubs(
    kept: list[str | Path], excluded: list[str | Path], out_dir: Path
) -> dict[str, Path]:
    """Stubs for the ``excluded`` libraries that the ``kept`` binaries need.

    Returns ``{name: stub path}``; an excluded library no kept binary names as needed
    gets none. A symbol that a kept binary takes from an excluded library it does not
    name itself (``libtorch_python.so`` uses ``libtorch_nvshmem.so`` through
    ``libtorch_cuda.so``) goes into the stub of a library it does name: unversioned
    symbols are looked up in every loaded library.
    """
    kept_info = [read_elf(path) for path in kept]
    provided: set[str] = set()
    wanted_names: set[str] = set()
    for info in kept_info:
        provided.update(info.defined)
        wanted_names.update(info.needed)
    # A library is needed by its SONAME or, for the renamed copies that wheels bundle
    # (``libcudart.faf08d9a.so.13``), by its file name.
    excluded_info: dict[str, ElfInfo] = {}
    for path in excluded:
        info = read_elf(path)
        for name in (Path(path).name, info.soname):
            if name:
                excluded_info.setdefault(name, info)
    wanted = {name: info for name, info in excluded_info.items() if name in wanted_names}
    every = list(excluded_info.values())
    symbols: dict[str, dict[str, Symbol]] = {name: {} for name in wanted}
    versions: dict[str, set[str]] = {name: set() for name in wanted}
    for user in kept_info:
        user_wanted = [name for name in user.needed if name in wanted]
        for name in user_wanted:
            versions[name].update(user.version_needs.get(name, set()))
        for symbol in user.undefined:
            if symbol.name in provided:
                continue
            if symbol.version:
                owners = [n for n in user_wanted if symbol.version in user.version_needs.get(n, ())]
            else:
                owners = [n for n in user_wanted if symbol.name in wanted[n].defined]
                owners = owners or user_wanted
            if not owners:
                continue
            owner = owners[0]
            definition = _definition(symbol.name, [wanted[owner]], every)
            if definition is None:
                continue  # a system library's symbol (libc, libstdc++, ...)
            symbols[owner].setdefault(
                symbol.name,
                Symbol(symbol.name, definition.kind, definition.size, symbol.version),
            )
    return {
        name: build_stub(name, list(symbols[name].values()), versions[name], out_dir)
        for name in sorted(wanted)
    }
