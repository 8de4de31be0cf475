//! What the server sends of the browser app, made ready once at build time:
//!
//! - **A version's folder and fingerprinted names.** The app's code (the
//!   main WebAssembly, its JavaScript, the loader of the pages' pieces and
//!   the pieces) moves into `app/<hash>/`, the hash being the first 16 hex
//!   digits of the SHA-256 of all of it: the pieces name each other and the
//!   loader relatively, so none of them needs rewriting. The stylesheet and
//!   the boot script are renamed `name.<hash>.ext` after their own content.
//!   The files that name them (`index.html`, the boot script, the service
//!   worker) are rewritten to match. The server caches both kinds for a year
//!   as `immutable`; everything else (`index.html`, the service worker, the
//!   web app manifest) is revalidated on every visit, so a return visit
//!   downloads only what changed.
//! - **Compressed copies.** Every text file and the WebAssembly get a brotli
//!   (`.br`) and a gzip (`.gz`) copy beside them; the server picks one by the
//!   browser's `Accept-Encoding` and never compresses on the fly.
//! - **The service worker's list.** `sw.js` learns which files make up this
//!   version of the app (and the version's name), so that it can keep them
//!   for opening Warren with the network down.
//! - **The build manifest**, `build.json`: every file with its size raw,
//!   gzipped and brotli'd, the files a first visit downloads before the app
//!   starts, and the pieces each page downloads when first opened. The size
//!   budget test and the loading benchmark read it.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The name of the build manifest in `web/dist/`.
pub const MANIFEST: &str = "build.json";
/// The folder of `web/dist/` the app's code is gathered in, and under which
/// it is published in its version's folder.
pub const APP_FOLDER: &str = "app";
/// The list of the pages' pieces the split leaves in `web/dist/` (split
/// point → the stems of the files it needs), folded into [`MANIFEST`].
pub const SPLITS: &str = "splits.json";

/// How hard to compress: the best each format offers, since it is paid once
/// per build and saved on every visit. Development builds, whose WebAssembly
/// is ten times larger and rebuilt often, get no compressed copies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Compress {
    /// Brotli quality 11 and gzip level 9.
    Best,
    /// No compressed copies.
    None,
}

/// One file of the app as the server sends it.
#[derive(Serialize)]
struct Sent {
    /// Bytes on disk, uncompressed.
    bytes: usize,
    /// Bytes of the gzip copy, if there is one.
    gzip: Option<usize>,
    /// Bytes of the brotli copy, if there is one.
    br: Option<usize>,
}

/// `build.json`.
#[derive(Serialize)]
struct BuildManifest {
    /// What the service worker calls this version.
    version: String,
    /// The files every first visit downloads before the app starts, in the
    /// order the browser asks for them.
    entry: Vec<String>,
    /// The files each part of the app downloads when one of its pages is
    /// first opened, by the name of its split point (`part_directory`).
    pages: BTreeMap<String, Vec<String>>,
    /// The part each route downloaded when first opened belongs to; routes
    /// not listed are pages of the app itself.
    routes: BTreeMap<String, String>,
    /// Every file the server sends, by its path under `web/dist/`.
    files: BTreeMap<String, Sent>,
}

/// Fingerprints, rewrites and compresses the app gathered in `dist`
/// (`index.html`, `style.css`, `sw.js`, `manifest.webmanifest`, `assets/`,
/// `icons/`, and in `app/` wasm-bindgen's `{out_name}.js` and
/// `{out_name}_bg.wasm` with the split loader and pieces), and writes
/// `build.json`.
pub fn publish(
    dist: &Path,
    out_name: &str,
    routes: &[(String, String)],
    compress: Compress,
) -> Result<()> {
    let app = version_folder(dist)?;
    let wasm = format!("{app}/{out_name}_bg.wasm");
    let glue = format!("{app}/{out_name}.js");
    let loader = format!("{app}/__wasm_split.js");
    for file in [&wasm, &glue, &loader] {
        if !dist.join(file).is_file() {
            bail!("the app's {file} is missing");
        }
    }
    let pages = pages(dist, &app)?;
    let style = fingerprint(dist, "style.css")?;
    for (route, part) in routes {
        if !pages.contains_key(part) {
            bail!("the route {route} belongs to {part}, which the split did not make");
        }
    }
    let prefix = format!("{app}/");
    let parts: BTreeMap<&String, Vec<&str>> = pages
        .iter()
        .map(|(part, files)| {
            let files = files
                .iter()
                .map(|file| file.strip_prefix(&prefix).unwrap_or(file))
                .collect();
            (part, files)
        })
        .collect();
    rewrite(
        &dist.join("assets/boot.js"),
        &[
            (format!("/{out_name}.js"), format!("/{glue}")),
            (format!("/{out_name}_bg.wasm"), format!("/{wasm}")),
            ("'__APP__'".to_owned(), format!("'/{prefix}'")),
            (
                "{ '__PARTS__': [] }".to_owned(),
                serde_json::to_string(&parts)?,
            ),
            (
                "[['__ROUTES__', '']]".to_owned(),
                serde_json::to_string(routes)?,
            ),
        ],
    )?;
    let boot = fingerprint(dist, "assets/boot.js")?;
    rewrite(
        &dist.join("index.html"),
        &[
            ("/style.css".to_owned(), format!("/{style}")),
            ("/assets/boot.js".to_owned(), format!("/{boot}")),
            (
                "<!-- preloads -->".to_owned(),
                format!(
                    "<link rel=\"modulepreload\" href=\"/{glue}\">\n    \
                     <link rel=\"modulepreload\" href=\"/{loader}\">\n    \
                     <link rel=\"preload\" href=\"/{wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin>"
                ),
            ),
        ],
    )?;
    let entry = vec!["index.html".to_owned(), style, boot, glue, loader, wasm];
    let mut shell = entry.clone();
    shell.push("manifest.webmanifest".to_owned());
    shell.extend(files_under(dist, "icons")?);
    let version = hex(&Sha256::digest(shell.join("\n")))[..16].to_owned();
    let precache = shell
        .iter()
        .map(|file| {
            if file == "index.html" {
                "'/'".to_owned()
            } else {
                format!("'/{file}'")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    rewrite(
        &dist.join("sw.js"),
        &[
            ("'__VERSION__'".to_owned(), format!("'{version}'")),
            ("['__PRECACHE__']".to_owned(), format!("[{precache}]")),
        ],
    )?;

    let mut files = BTreeMap::new();
    for file in files_under(dist, "")? {
        let path = dist.join(&file);
        let bytes =
            fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
        let compressible = !file.ends_with(".png");
        let (gzip, br) = if compress == Compress::Best && compressible {
            let gzip = gzipped(&bytes)?;
            let br = brotli(&bytes)?;
            write(&suffixed(&path, "gz"), &gzip)?;
            write(&suffixed(&path, "br"), &br)?;
            (Some(gzip.len()), Some(br.len()))
        } else {
            (None, None)
        };
        files.insert(
            file,
            Sent {
                bytes: bytes.len(),
                gzip,
                br,
            },
        );
    }
    let manifest = BuildManifest {
        version,
        entry,
        pages,
        routes: routes.iter().cloned().collect(),
        files,
    };
    write(
        &dist.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )
}

/// Moves `dist/app/` to `dist/app/<hash>/`, named after everything in it,
/// and returns that folder relative to `dist`.
fn version_folder(dist: &Path) -> Result<String> {
    let gathered = dist.join(APP_FOLDER);
    let mut digest = Sha256::new();
    for file in files_under(&gathered, "")? {
        let bytes = fs::read(gathered.join(&file))
            .with_context(|| format!("could not read {file} of the app"))?;
        digest.update(file.as_bytes());
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(&bytes);
    }
    let hash = &hex(&digest.finalize())[..16];
    let moving = dist.join(format!("{APP_FOLDER}.{hash}"));
    fs::rename(&gathered, &moving)
        .with_context(|| format!("could not rename {}", gathered.display()))?;
    fs::create_dir(&gathered)
        .with_context(|| format!("could not create {}", gathered.display()))?;
    fs::rename(&moving, gathered.join(hash))
        .with_context(|| format!("could not rename {}", moving.display()))?;
    Ok(format!("{APP_FOLDER}/{hash}"))
}

/// The files each page's split point needs, as paths under `dist`, from the
/// list the split left in `dist/{SPLITS}` (which goes: it is not sent).
fn pages(dist: &Path, app: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let path = dist.join(SPLITS);
    let splits: BTreeMap<String, Vec<String>> = serde_json::from_slice(
        &fs::read(&path).with_context(|| format!("could not read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not a list of pieces", path.display()))?;
    fs::remove_file(&path).with_context(|| format!("could not remove {}", path.display()))?;
    let mut pages = BTreeMap::new();
    for (split, stems) in splits {
        let mut files = Vec::new();
        for stem in stems {
            let file = format!("{app}/{stem}.wasm");
            if !dist.join(&file).is_file() {
                bail!("the piece {file} of {split} is missing");
            }
            files.push(file);
        }
        pages.insert(split, files);
    }
    Ok(pages)
}

/// Renames `dist/{file}` to its fingerprinted name and returns that name,
/// relative to `dist`.
fn fingerprint(dist: &Path, file: &str) -> Result<String> {
    let path = dist.join(file);
    let bytes = fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
    let hash = &hex(&Sha256::digest(&bytes))[..16];
    let (stem, extension) = file
        .rsplit_once('.')
        .with_context(|| format!("{file} has no extension"))?;
    let named = format!("{stem}.{hash}.{extension}");
    fs::rename(&path, dist.join(&named))
        .with_context(|| format!("could not rename {}", path.display()))?;
    Ok(named)
}

/// Replaces each `(from, to)` in the text file at `path`; every `from` must
/// be there, so a renamed reference cannot go stale unnoticed.
fn rewrite(path: &Path, replacements: &[(String, String)]) -> Result<()> {
    let mut text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    for (from, to) in replacements {
        if !text.contains(from.as_str()) {
            bail!("{} does not mention {from}", path.display());
        }
        text = text.replace(from.as_str(), to);
    }
    write(path, text.as_bytes())
}

/// The files under `dist/{folder}`, as paths relative to `dist` with `/`
/// between folders, sorted.
pub fn files_under(dist: &Path, folder: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![dist.join(folder)];
    while let Some(directory) = pending.pop() {
        if !directory.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&directory)
            .with_context(|| format!("could not read {}", directory.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dist) {
                let relative: PathBuf = relative.into();
                let name = relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !name.ends_with(".br") && !name.ends_with(".gz") && name != MANIFEST {
                    found.push(name);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("could not write {}", path.display()))
}

/// `bytes` gzipped at the best level.
fn gzipped(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// `bytes` brotli'd at quality 11 with a 16 MB window, what browsers accept.
fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let parameters = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    let mut output = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut output, &parameters)?;
    Ok(output)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
