//! How the server sends the browser app (`cargo xtask web`'s build in
//! `WARREN_WEB_DIR`): the copy compressed at build time that the browser's
//! `Accept-Encoding` allows, fingerprinted files cached for good and
//! everything else revalidated, the service worker allowed to fetch from
//! Warren, and the web app manifest with icons that load.

use std::io::Read;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use warren_tests::*;

/// `build.json`, which `cargo xtask web` writes beside the app.
pub(crate) fn build_manifest() -> serde_json::Value {
    let path = web_dir().join("build.json");
    let text = std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; build the app with `cargo xtask web`",
            path.display()
        )
    });
    serde_json::from_slice(&text).unwrap()
}

/// The files a first visit downloads, as `build.json` lists them.
pub(crate) fn entry() -> Vec<String> {
    build_manifest()["entry"]
        .as_array()
        .expect("build.json lists the entry files")
        .iter()
        .map(|file| file.as_str().unwrap().to_owned())
        .collect()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut plain)
        .expect("a brotli body");
    plain
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .expect("a gzip body");
    plain
}

warren_tests::on_both_databases! {
    async fn each_file_goes_compressed_as_the_browser_allows_and_fingerprinted_files_are_cached_for_good(app) {
        let http = reqwest::Client::new();
        let get = |path: String, accept: &'static str| {
            http.get(format!("{}/{path}", app.url))
                .header(ACCEPT_ENCODING, accept)
                .send()
        };
        let entry = entry();
        assert_eq!(entry.first().map(String::as_str), Some("index.html"), "{entry:?}");
        for file in &entry {
            let on_disk = std::fs::read(web_dir().join(file)).unwrap();
            let path = if file == "index.html" { String::new() } else { file.clone() };

            let browser = get(path.clone(), "gzip, deflate, br, zstd").await.unwrap();
            assert_eq!(browser.status(), StatusCode::OK, "{file}");
            assert_eq!(header(&browser, CONTENT_ENCODING), "br", "{file}: brotli first");
            assert!(header(&browser, VARY).to_lowercase().contains("accept-encoding"), "{file}");
            let cached_for_good = header(&browser, CACHE_CONTROL).contains("immutable");
            assert_eq!(cached_for_good, file != "index.html", "{file}: {}", header(&browser, CACHE_CONTROL));
            let compressed = browser.bytes().await.unwrap();
            assert!(compressed.len() < on_disk.len(), "{file}: {} < {}", compressed.len(), on_disk.len());
            assert_eq!(unbrotli(&compressed), on_disk, "{file}: the same content");

            let gzip_only = get(path.clone(), "gzip").await.unwrap();
            assert_eq!(header(&gzip_only, CONTENT_ENCODING), "gzip", "{file}");
            assert_eq!(ungzip(&gzip_only.bytes().await.unwrap()), on_disk, "{file}");

            let plain = get(path.clone(), "identity").await.unwrap();
            assert_eq!(header(&plain, CONTENT_ENCODING), "", "{file}");
            assert_eq!(plain.bytes().await.unwrap(), on_disk, "{file}");
        }
        let wasm = entry.iter().find(|file| file.ends_with(".wasm")).expect("the WebAssembly");
        let response = get(wasm.clone(), "br").await.unwrap();
        assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");

        // index.html is revalidated: a return visit with nothing new downloads nothing.
        let index = get(String::new(), "br").await.unwrap();
        assert_eq!(header(&index, CACHE_CONTROL), "no-cache");
        let tag = header(&index, ETAG);
        assert!(!tag.is_empty());
        let again = http
            .get(format!("{}/", app.url))
            .header(ACCEPT_ENCODING, "br")
            .header(IF_NONE_MATCH, tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        // It names what it loads by fingerprint, and every route of the app is it.
        let html = String::from_utf8(index.bytes().await.map(|bytes| unbrotli(&bytes)).unwrap()).unwrap();
        for file in entry.iter().skip(1) {
            assert!(html.contains(&format!("/{file}")), "index.html loads {file}: {html}");
        }
        assert!(!html.contains("/style.css\"") && !html.contains("/assets/boot.js\""), "{html}");
        let route = get("referrals/new".into(), "identity").await.unwrap();
        assert_eq!(header(&route, CACHE_CONTROL), "no-cache");
        assert!(header(&route, CONTENT_TYPE).starts_with("text/html"));
        assert_eq!(route.text().await.unwrap(), String::from_utf8(std::fs::read(web_dir().join("index.html")).unwrap()).unwrap());
    }

    async fn every_pages_pieces_go_compressed_and_kept_for_good_and_a_missing_piece_is_a_404(app) {
        let http = reqwest::Client::new();
        let manifest = build_manifest();
        let pages = manifest["pages"].as_object().expect("build.json lists the pages' pieces");
        let pieces: std::collections::BTreeSet<&str> = pages
            .values()
            .flat_map(|pieces| pieces.as_array().unwrap())
            .map(|piece| piece.as_str().unwrap())
            .collect();
        assert!(!pieces.is_empty());
        for piece in &pieces {
            let response = http
                .get(format!("{}/{piece}", app.url))
                .header(ACCEPT_ENCODING, "gzip, deflate, br, zstd")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{piece}");
            assert_eq!(header(&response, CONTENT_ENCODING), "br", "{piece}");
            assert_eq!(header(&response, CONTENT_TYPE), "application/wasm", "{piece}");
            assert!(header(&response, CACHE_CONTROL).contains("immutable"), "{piece}");
            let on_disk = std::fs::read(web_dir().join(piece)).unwrap();
            assert_eq!(unbrotli(&response.bytes().await.unwrap()), on_disk, "{piece}");
        }
        // A tab of an older version asks for a piece this one does not
        // have: it gets a 404, never the app's page in its place.
        let folder = pieces.first().unwrap().rsplit_once('/').unwrap().0;
        for path in [format!("{folder}/split_no_such_page.wasm"), "app/0123456789abcdef/warren_web.js".to_owned()] {
            let missing = http.get(format!("{}/{path}", app.url)).send().await.unwrap();
            assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    async fn nothing_outside_the_app_nor_its_compressed_copies_are_sent_by_name(app) {
        let http = reqwest::Client::new();
        let index = std::fs::read_to_string(web_dir().join("index.html")).unwrap();
        for path in ["/build.json.br", "/index.html.gz", "/..%2fCargo.toml", "/%2e%2e/%2e%2e/Cargo.toml", "/.hidden"] {
            let response = http.get(format!("{}{path}", app.url)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}: the app, which routes it");
            assert_eq!(response.text().await.unwrap(), index, "{path}");
        }
        let posted = http.post(format!("{}/", app.url)).send().await.unwrap();
        assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
        for method in [reqwest::Method::GET, reqwest::Method::PATCH, reqwest::Method::DELETE] {
            let unknown = http
                .request(method.clone(), format!("{}/api/v1/no-such-thing/", app.url))
                .send()
                .await
                .unwrap();
            assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{method}");
            assert_eq!(header(&unknown, CONTENT_TYPE), "application/problem+json", "{method}");
        }
        // A path the API has, with a method it does not take: 405, saying which it takes.
        for (method, path, allow) in [
            ("TRACE", "/api/v1/organizations", "GET"),
            ("PUT", "/api/v1/organizations/applications", "GET, POST"),
            ("DELETE", &*format!("/api/v1/referrals/{}", uuid::Uuid::new_v4()), "GET"),
        ] {
            let refused = http
                .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("{}{path}", app.url))
                .send()
                .await
                .unwrap();
            assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(header(&refused, reqwest::header::ALLOW), allow, "{method} {path}");
            assert_eq!(header(&refused, CONTENT_TYPE), "application/problem+json", "{method} {path}");
            let problem: serde_json::Value = refused.json().await.unwrap();
            assert_eq!(problem["code"], "method_not_allowed");
        }
    }

    async fn the_app_can_be_installed_and_its_service_worker_keeps_this_version(app) {
        let http = reqwest::Client::new();
        let get = |path: &str| http.get(format!("{}{path}", app.url)).send();

        let manifest = get("/manifest.webmanifest").await.unwrap();
        assert_eq!(manifest.status(), StatusCode::OK);
        assert_eq!(header(&manifest, CONTENT_TYPE), "application/manifest+json");
        let manifest: serde_json::Value = manifest.json().await.unwrap();
        assert_eq!(manifest["start_url"], "/");
        assert_eq!(manifest["display"], "standalone");
        let icons = manifest["icons"].as_array().unwrap();
        for size in ["192x192", "512x512"] {
            assert!(
                icons.iter().any(|icon| icon["sizes"] == size && icon["type"] == "image/png"),
                "a {size} PNG icon, as browsers need to install: {icons:?}"
            );
        }
        for icon in icons {
            let source = icon["src"].as_str().unwrap();
            let response = get(source).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{source}");
            assert!(header(&response, CONTENT_TYPE).starts_with("image/"), "{source}");
        }

        let worker = get("/sw.js").await.unwrap();
        assert_eq!(worker.status(), StatusCode::OK);
        assert_eq!(header(&worker, CACHE_CONTROL), "no-cache", "a new version is found at once");
        assert!(header(&worker, CONTENT_TYPE).starts_with("text/javascript") || header(&worker, CONTENT_TYPE).starts_with("application/javascript"));
        let policy = header(&worker, reqwest::header::CONTENT_SECURITY_POLICY);
        assert!(policy.contains("connect-src 'self'"), "the worker may fetch from Warren: {policy}");
        let script = worker.text().await.unwrap();
        assert!(!script.contains("__PRECACHE__") && !script.contains("__VERSION__"), "filled in by the build");
        let version = build_manifest()["version"].as_str().unwrap().to_owned();
        assert!(script.contains(&format!("'{version}'")), "the worker names its version");
        for file in entry().iter().skip(1) {
            assert!(script.contains(&format!("'/{file}'")), "the worker keeps {file}");
        }
    }
}
