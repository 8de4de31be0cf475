//! `cargo xtask web`: builds the Leptos app for wasm32, generates its JavaScript glue with
//! wasm-bindgen (as a library, pinned to the same version as the `wasm-bindgen` crate), shrinks
//! it with wasm-opt when available and gathers everything the browser needs in `web/dist/`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use wasm_bindgen_cli_support::Bindgen;

use crate::shell;
use crate::system::{self, Apt, WASM_TARGET};
use crate::workspace::Workspace;

/// The package of the browser app.
const PACKAGE: &str = "warren-web";
/// Base name of the generated files: `warren_web.js` and `warren_web_bg.wasm`.
const OUT_NAME: &str = "warren_web";

/// Which cargo profile the app is built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The `dev` profile: quick to build, large, with debug assertions.
    Dev,
    /// The workspace's `wasm-release` profile: optimised for size.
    Release,
}

/// What to do about wasm-opt (from Debian's `binaryen`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Binaryen {
    /// Use wasm-opt if it is on `PATH`, otherwise skip it.
    UseIfPresent,
    /// If wasm-opt is missing, try to install binaryen without asking for a password; skip it
    /// if that does not work.
    TryInstall,
}

/// Builds the browser app into `web/dist/` and returns that directory.
pub fn build(ws: &Workspace, profile: Profile, binaryen: Binaryen) -> Result<PathBuf> {
    system::ensure_wasm_target()?;
    let wasm = cargo_build(ws, profile)?;

    let dist = ws.web_dist();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("could not empty {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("could not create {}", dist.display()))?;

    eprintln!(
        "xtask: wasm-bindgen {} -> {}",
        wasm.display(),
        dist.display()
    );
    Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .debug(profile == Profile::Dev)
        .out_name(OUT_NAME)
        .generate(&dist)
        .with_context(|| {
            format!(
                "wasm-bindgen could not process {}; if it mentions a schema version, make the \
                 `wasm-bindgen` and `wasm-bindgen-cli-support` versions in Cargo.toml equal",
                wasm.display()
            )
        })?;

    let bg_wasm = dist.join(format!("{OUT_NAME}_bg.wasm"));
    let js = dist.join(format!("{OUT_NAME}.js"));
    match profile {
        Profile::Release => optimise(&bg_wasm, binaryen),
        Profile::Dev => eprintln!("xtask: dev build, not running wasm-opt"),
    }

    copy_static_files(ws, &dist)?;
    print_sizes(&[&bg_wasm, &js])?;
    eprintln!("xtask: the browser app is in {}", dist.display());
    Ok(dist)
}

/// Runs `cargo build` for wasm32 and returns the `.wasm` file cargo produced.
fn cargo_build(ws: &Workspace, profile: Profile) -> Result<PathBuf> {
    let mut command = ws.cargo();
    command.args(["build", "--package", PACKAGE, "--target", WASM_TARGET]);
    if profile == Profile::Release {
        command.args(["--profile", "wasm-release"]);
    }
    // Diagnostics still go to the terminal; stdout carries the JSON telling us the file names.
    command
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped());
    let stdout = shell::output(&mut command)
        .with_context(|| format!("building the browser app ({PACKAGE}) failed; see above"))?;

    let manifest = ws.root.join("web").join("Cargo.toml");
    let mut found = None;
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact"
            || message["manifest_path"].as_str().map(Path::new) != Some(manifest.as_path())
        {
            continue;
        }
        let mut wasm_files = message["filenames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .filter(|f| f.ends_with(".wasm"));
        if let Some(file) = wasm_files.next_back() {
            found = Some(PathBuf::from(file));
        }
    }
    match found {
        Some(wasm) => Ok(wasm),
        None => bail!(
            "cargo built {PACKAGE} but produced no .wasm file; web/ needs a `src/main.rs` (or a \
             `cdylib` library) that mounts the app"
        ),
    }
}

/// Shrinks `wasm` in place with `wasm-opt -Oz`. Never fails: without wasm-opt, or if it fails,
/// the unoptimised file stays, which works, only bigger.
fn optimise(wasm: &Path, binaryen: Binaryen) {
    if system::find_program("wasm-opt").is_none()
        && binaryen == Binaryen::TryInstall
        && let Err(error) =
            Apt::non_interactive().install(&["binaryen"], "wasm-opt shrinks the app")
    {
        eprintln!("xtask: warning: {error:#}");
    }
    let Some(wasm_opt) = system::find_program("wasm-opt") else {
        eprintln!(
            "xtask: note: wasm-opt not found, the app stays unoptimised (about 40% bigger); \
             `apt-get install binaryen` to get it"
        );
        return;
    };
    // binaryen before 110 moves wasm-bindgen's externref table export onto the
    // funcref table, and the app then fails at start in the browser.
    let version = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| {
            String::from_utf8_lossy(&output.stdout)
                .split_whitespace()
                .find_map(|word| word.parse::<u32>().ok())
        });
    if version.is_none_or(|version| version < 110) {
        eprintln!(
            "xtask: note: wasm-opt {} is older than 110 and breaks reference types; \
             the app stays unoptimised",
            version.map_or("of unknown version".to_owned(), |v| v.to_string())
        );
        return;
    }
    let optimised = wasm.with_extension("opt.wasm");
    let mut command = Command::new(wasm_opt);
    command
        .arg("-Oz")
        // Features rustc enables by default for wasm32 today; wasm-opt must accept them.
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
        ])
        .arg("-o")
        .arg(&optimised)
        .arg(wasm);
    let result = shell::run(&mut command).and_then(|()| {
        fs::rename(&optimised, wasm)
            .with_context(|| format!("could not replace {}", wasm.display()))
    });
    if let Err(error) = result {
        let _ = fs::remove_file(&optimised);
        eprintln!("xtask: warning: {error:#}; keeping the unoptimised wasm");
    }
}

/// Copies `index.html`, `style.css` and `assets/` from `web/` into `dist`.
fn copy_static_files(ws: &Workspace, dist: &Path) -> Result<()> {
    let web = ws.root.join("web");
    let index = web.join("index.html");
    if !index.is_file() {
        bail!(
            "{} is missing; the app needs it to load {OUT_NAME}.js",
            index.display()
        );
    }
    fs::copy(&index, dist.join("index.html"))
        .with_context(|| format!("could not copy {}", index.display()))?;
    let style = web.join("style.css");
    if style.is_file() {
        fs::copy(&style, dist.join("style.css"))
            .with_context(|| format!("could not copy {}", style.display()))?;
    } else {
        eprintln!("xtask: warning: {} is missing", style.display());
    }
    let assets = web.join("assets");
    if assets.is_dir() {
        copy_dir(&assets, &dist.join("assets"))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("could not create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("could not read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("could not copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Prints the raw and gzipped size of each file.
fn print_sizes(files: &[&Path]) -> Result<()> {
    eprintln!("xtask: {:<24} {:>10} {:>10}", "file", "raw", "gzip");
    for file in files {
        let bytes = fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
        gzip.write_all(&bytes)?;
        let gzipped = gzip.finish()?.len();
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        eprintln!(
            "xtask: {name:<24} {:>10} {:>10}",
            kilobytes(bytes.len()),
            kilobytes(gzipped)
        );
    }
    Ok(())
}

fn kilobytes(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
