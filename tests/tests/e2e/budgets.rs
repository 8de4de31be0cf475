//! Size budgets of what browsers download. The embed's 30 KB budget is met
//! and checked in `embed.rs`. The app's WebAssembly is not yet within its
//! 400 KB target (about 1.7 MB gzipped today: see the README's "Size
//! budgets" section for why and what would close the gap), so this test
//! holds it to a ceiling just above today's size, which only goes down, and
//! prints the distance to the target. The app measured is the release build
//! `cargo xtask test` makes and serves to the browser tests (`WARREN_WEB_DIR`).

use std::io::Write;
use std::path::PathBuf;

use flate2::Compression;
use flate2::write::GzEncoder;

/// What the app's WebAssembly should weigh, gzipped: 400 KB.
const WASM_TARGET_BYTES: usize = 400 * 1024;

/// What it may weigh until then: today's size and a little room. Lower it
/// whenever the app shrinks. It was raised once, from 1,750 to 1,800 KB, when
/// the hours editor, gazetteer lookups, vetting queue, shared transport and
/// cross-tab sign-in brought the app from 1,696 to 1,765 KB: until the app
/// is split by route, every page weighs on every first visit.
const WASM_CEILING_BYTES: usize = 1_800 * 1024;

fn gzipped(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

#[test]
fn the_app_stays_under_its_ceiling_on_the_way_to_400_kb_gzipped() {
    let dist = std::env::var("WARREN_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")));
    let wasm_path = dist.join("warren_web_bg.wasm");
    let wasm = std::fs::read(&wasm_path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; build the app with `cargo xtask web`",
            wasm_path.display()
        )
    });
    let wasm_gzipped = gzipped(&wasm);
    for file in ["warren_web.js", "style.css", "index.html", "assets/boot.js"] {
        let bytes = std::fs::read(dist.join(file)).unwrap_or_default();
        println!("{file}: {} bytes, {} gzipped", bytes.len(), gzipped(&bytes));
    }
    println!(
        "warren_web_bg.wasm: {} bytes, {wasm_gzipped} gzipped; ceiling {WASM_CEILING_BYTES}, \
         target {WASM_TARGET_BYTES} ({} bytes to go)",
        wasm.len(),
        wasm_gzipped.saturating_sub(WASM_TARGET_BYTES)
    );
    assert!(
        wasm_gzipped <= WASM_CEILING_BYTES,
        "the app's WebAssembly weighs {wasm_gzipped} bytes gzipped, over its \
         {WASM_CEILING_BYTES}-byte ceiling (target {WASM_TARGET_BYTES})"
    );
}
