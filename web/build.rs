//! Asks the linker to keep the relocations in the WebAssembly it writes: the
//! build tool cuts the app into one piece per page after linking
//! (`cargo xtask web`, see `src/split.rs`), and it needs them to move code
//! between the pieces.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
