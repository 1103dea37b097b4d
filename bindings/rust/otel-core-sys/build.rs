//! Finds libotel_core with pkg-config and generates the FFI declarations from
//! its umbrella header with bindgen, so they can never drift from the C API.
//!
//! Which library: `OTEL_CORE_BUILD_DIR` (a CMake build directory) if set,
//! else this checkout's `build/` when the crate is built from the source tree
//! (CMake writes `otel_core-uninstalled.pc` there, which pkg-config prefers),
//! else the installed `otel_core.pc`.
use std::env;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let tree = manifest.join("../../..");
    println!("cargo:rerun-if-env-changed=OTEL_CORE_BUILD_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");

    let build_dir = env::var_os("OTEL_CORE_BUILD_DIR")
        .map(PathBuf::from)
        .or_else(|| Some(tree.join("build")).filter(|d| d.join("otel_core-uninstalled.pc").exists()));
    if let Some(dir) = &build_dir {
        let mut path = dir.clone().into_os_string();
        if let Some(old) = env::var_os("PKG_CONFIG_PATH") {
            path.push(":");
            path.push(old);
        }
        env::set_var("PKG_CONFIG_PATH", path);
        println!("cargo:rerun-if-changed={}", dir.join("libotel_core.so.1").display());
    }

    let lib = pkg_config::Config::new()
        .atleast_version("1.0")
        .probe("otel_core")
        .unwrap_or_else(|e| panic!("libotel_core not found by pkg-config (build it with `make build` or install it): {e}"));

    let include = lib.include_paths.first().cloned().unwrap_or_else(|| PathBuf::from("/usr/include"));
    let header = include.join("otel/otel.h");
    for h in std::fs::read_dir(include.join("otel")).into_iter().flatten().flatten() {
        println!("cargo:rerun-if-changed={}", h.path().display());
    }
    // Dependents read these as DEP_OTEL_CORE_INCLUDE / DEP_OTEL_CORE_LIBDIR.
    println!("cargo:include={}", include.display());
    if let Some(libdir) = lib.link_paths.first() {
        println!("cargo:libdir={}", libdir.display());
    }
    // The version script, for the symbol coverage test (only in the tree).
    let map = tree.join("libotel_core/libotel_core.map");
    if map.exists() && build_dir.is_some() {
        println!("cargo:rustc-cfg=otel_symbol_map");
        println!("cargo:rustc-env=OTEL_CORE_SYMBOL_MAP={}", map.canonicalize().unwrap().display());
        println!("cargo:rerun-if-changed={}", map.display());
    }
    println!("cargo:rustc-check-cfg=cfg(otel_symbol_map)");

    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    generate(&header, &include, &out);
}

fn generate(header: &Path, include: &Path, out: &Path) {
    bindgen::Builder::default()
        .header(header.to_str().unwrap())
        .clang_arg(format!("-I{}", include.display()))
        .allowlist_function("otel_.*")
        .allowlist_type("otel_.*")
        .allowlist_var("OTEL_.*")
        // Enums stay integer constants: the C API passes kinds and codes as int.
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .derive_default(true)
        .layout_tests(true)
        .generate_comments(true)
        .generate()
        .expect("bindgen could not translate include/otel/otel.h")
        .write_to_file(out)
        .expect("cannot write the bindings");
}
