//! `cargo xtask web`: builds the Leptos app for wasm32, cuts it into one piece per page
//! (`wasm_split_cli_support`, at the split points `web/src/split.rs` declares), generates the
//! JavaScript glue with wasm-bindgen (as a library, pinned to the same version as the
//! `wasm-bindgen` crate), shrinks the pieces with wasm-opt when available, gathers everything
//! the browser needs in `web/dist/` and makes it ready to send ([`crate::publish`]: a
//! version's folder and fingerprinted names, compressed copies, the service worker's list and
//! `build.json`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use wasm_bindgen_cli_support::Bindgen;

use crate::publish::{self, Compress};
use crate::shell;
use crate::system::{self, Apt, WASM_TARGET};
use crate::workspace::Workspace;

/// The package of the browser app.
pub const PACKAGE: &str = "warren-web";
/// Base name of the generated files: `warren_web.js` and `warren_web_bg.wasm`.
const OUT_NAME: &str = "warren_web";
/// The module the split pieces load through, beside the glue; the main
/// WebAssembly imports it and it imports the glue's `initSync`.
const SPLIT_LOADER: &str = "__wasm_split.js";

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

    let app = dist.join(publish::APP_FOLDER);
    fs::create_dir_all(&app).with_context(|| format!("could not create {}", app.display()))?;
    let main = split(&wasm, &app)?;

    eprintln!(
        "xtask: wasm-bindgen {} -> {}",
        main.display(),
        app.display()
    );
    Bindgen::new()
        .input_path(&main)
        .web(true)?
        .typescript(false)
        .debug(profile == Profile::Dev)
        // The split pieces call into the main module through the linker's
        // own export names, so they must stay, unmangled.
        .keep_lld_exports(true)
        .demangle(false)
        .out_name(OUT_NAME)
        .generate(&app)
        .with_context(|| {
            format!(
                "wasm-bindgen could not process {}; if it mentions a schema version, make the \
                 `wasm-bindgen` and `wasm-bindgen-cli-support` versions in Cargo.toml equal",
                main.display()
            )
        })?;

    let compress = match profile {
        Profile::Release => {
            let pieces: Vec<PathBuf> = publish::files_under(&app, "")?
                .into_iter()
                .filter(|file| file.ends_with(".wasm"))
                .map(|file| app.join(file))
                .collect();
            optimise(&pieces, binaryen);
            Compress::Best
        }
        Profile::Dev => {
            eprintln!("xtask: dev build, not running wasm-opt nor compressing");
            Compress::None
        }
    };

    copy_static_files(ws, &dist)?;
    let routes = routes(&ws.root.join("web/src/app.rs"))?;
    publish::publish(&dist, OUT_NAME, &routes, compress)?;
    print_sizes(&dist)?;
    eprintln!("xtask: the browser app is in {}", dist.display());
    Ok(dist)
}

/// Cuts the linked app `wasm` at its split points: writes each page's piece,
/// the pieces they share and the loader into `app`, with the pages' pieces
/// listed in [`publish::SPLITS`], and returns the main module (still to go
/// through wasm-bindgen), written beside `wasm`.
fn split(wasm: &Path, app: &Path) -> Result<PathBuf> {
    let input = fs::read(wasm).with_context(|| format!("could not read {}", wasm.display()))?;
    let main = wasm.with_file_name(format!("{OUT_NAME}_split.wasm"));
    let main_module = format!("./{OUT_NAME}.js");
    let link_name = format!("./{SPLIT_LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = app;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options).map_err(|error| {
        anyhow::anyhow!(
            "could not cut {} into pages: {error:#}; it must be linked with --emit-relocs \
             (web/build.rs asks for it)",
            wasm.display()
        )
    })?;
    eprintln!(
        "xtask: cut the app into {} pieces for its {} parts",
        split.split_modules.len(),
        split.prefetch_map.len()
    );
    let splits: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    fs::write(
        app.with_file_name(publish::SPLITS),
        serde_json::to_string_pretty(&splits)?,
    )
    .context("could not write the list of pieces")?;
    Ok(main)
}

/// Each lazy route of the app's route table (`web/src/app.rs`) with the
/// split point of its page: the boot script starts downloading the page's
/// pieces as it starts the app. A lazy route whose page was not declared
/// with `split_page!` stops the build; routes of pages in the app itself
/// (`view=SomePage`) need nothing.
fn routes(app_rs: &Path) -> Result<Vec<(String, String)>> {
    let source = fs::read_to_string(app_rs)
        .with_context(|| format!("could not read {}", app_rs.display()))?;
    let mut parts = std::collections::HashMap::new();
    for declaration in source.split("split_page!(").skip(1) {
        let arguments = declaration.split(')').next().unwrap_or_default();
        let mut words = arguments.split([',', ' ']).filter(|word| !word.is_empty());
        if let (Some(route), Some(_module), Some("in"), Some(part)) =
            (words.next(), words.next(), words.next(), words.next())
        {
            parts.insert(route.to_owned(), part.to_owned());
        }
    }
    let mut routes = Vec::new();
    for line in source
        .lines()
        .filter(|line| line.contains("<Route path=path!(\""))
    {
        let path = line
            .split("path!(\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        let lazy = line
            .split("Lazy::<")
            .nth(1)
            .and_then(|rest| rest.split('>').next());
        match (path, lazy, lazy.and_then(|route| parts.get(route))) {
            (Some(_), None, _) => {}
            (Some(path), Some(_), Some(part)) => routes.push((path.to_owned(), part.clone())),
            _ => bail!(
                "{}: every route must be `<Route path=path!(\"…\") view={{Lazy::<XRoute>::new()}}/>` \
                 with `split_page!(XRoute, module in part, Page)`: {}",
                app_rs.display(),
                line.trim()
            ),
        }
    }
    if routes.is_empty() {
        bail!("{} has no lazy routes", app_rs.display());
    }
    Ok(routes)
}

/// Runs `cargo build` for wasm32 and returns the `.wasm` file cargo produced.
/// Compiles the browser app with cargo (the first step of [`build`]) and returns its `.wasm`.
pub fn cargo_build(ws: &Workspace, profile: Profile) -> Result<PathBuf> {
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

/// Shrinks each of `pieces` in place with `wasm-opt -Oz`. Never fails: without wasm-opt, or if
/// it fails, the unoptimised file stays, which works, only bigger.
fn optimise(pieces: &[PathBuf], binaryen: Binaryen) {
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
    for wasm in pieces {
        optimise_one(&wasm_opt, wasm);
    }
}

fn optimise_one(wasm_opt: &Path, wasm: &Path) {
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

/// The files of `web/` the browser is sent, beside the app wasm-bindgen made.
const STATIC_FILES: [&str; 4] = ["index.html", "style.css", "sw.js", "manifest.webmanifest"];
/// The folders of `web/` the browser is sent.
const STATIC_FOLDERS: [&str; 2] = ["assets", "icons"];

/// Copies [`STATIC_FILES`] and [`STATIC_FOLDERS`] from `web/` into `dist`.
fn copy_static_files(ws: &Workspace, dist: &Path) -> Result<()> {
    let web = ws.root.join("web");
    for file in STATIC_FILES {
        let from = web.join(file);
        if !from.is_file() {
            bail!("{} is missing; the app needs it", from.display());
        }
        fs::copy(&from, dist.join(file))
            .with_context(|| format!("could not copy {}", from.display()))?;
    }
    for folder in STATIC_FOLDERS {
        copy_dir(&web.join(folder), &dist.join(folder))?;
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

/// Prints what a first visit downloads, from the build manifest.
fn print_sizes(dist: &Path) -> Result<()> {
    let path = dist.join(publish::MANIFEST);
    let manifest: serde_json::Value = serde_json::from_slice(
        &fs::read(&path).with_context(|| format!("could not read {}", path.display()))?,
    )?;
    eprintln!(
        "xtask: {:<40} {:>10} {:>10} {:>10}",
        "first visit", "raw", "gzip", "brotli"
    );
    let size = |value: &serde_json::Value| {
        value
            .as_u64()
            .map_or("-".to_owned(), |bytes| kilobytes(bytes as usize))
    };
    for file in manifest["entry"].as_array().into_iter().flatten() {
        let name = file.as_str().unwrap_or_default();
        let sent = &manifest["files"][name];
        eprintln!(
            "xtask: {name:<40} {:>10} {:>10} {:>10}",
            size(&sent["bytes"]),
            size(&sent["gzip"]),
            size(&sent["br"])
        );
    }
    Ok(())
}

fn kilobytes(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
