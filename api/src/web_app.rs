//! The browser app's files, as `cargo xtask web` leaves them in the web
//! folder (`WARREN_WEB_DIR`), and `index.html` for every other path, since
//! the app routes in the browser.
//!
//! - **Compressed once, at build time.** Beside each text file and the
//!   WebAssembly lie a brotli (`.br`) and a gzip (`.gz`) copy; the one the
//!   browser's `Accept-Encoding` allows is sent (brotli first), with `Vary:
//!   Accept-Encoding`, and the file itself otherwise. Nothing is compressed
//!   per request.
//! - **Cached by name.** A name carrying the content's fingerprint
//!   (`name.<16 hex digits>.ext`, or any file in a version's folder
//!   `app/<16 hex digits>/`, which holds the app's code cut into one piece
//!   per page) never changes what it holds: it may be kept a year,
//!   `immutable`. A file missing from a version's folder is a 404, never
//!   `index.html`: a tab still running an older version then says the page
//!   could not be downloaded, rather than trying to run a web page as code. Everything else (`index.html`, `sw.js`, the
//!   manifest, icons) is revalidated each time (`no-cache`, with its `ETag`),
//!   so a return visit downloads only the files of a newer version.
//! - **The service worker** (`/sw.js`) may fetch from Warren: its own policy
//!   allows `connect-src 'self'`, which the data policy every other file gets
//!   would not.
//! - Paths under `/api` that no route matched stay 404 problems, whatever
//!   the method; elsewhere, methods other than GET and HEAD are 405.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue, Preference, Quality,
};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

/// The folder the app was built into.
pub struct WebApp {
    folder: PathBuf,
}

/// What fingerprinted files may be cached for: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// What every other file of the app is: kept, but checked on each use.
const REVALIDATE: &str = "no-cache";
/// The service worker's policy: it runs nothing but itself, fetches only
/// from Warren, and is never framed.
const WORKER_POLICY: &str = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'";

impl WebApp {
    /// The app built into `folder`.
    pub fn new(folder: PathBuf) -> Self {
        WebApp { folder }
    }

    /// The file `path` names under the folder, if it is one the app sends:
    /// no hidden names, no way out of the folder, no compressed copies asked
    /// for by name.
    fn file(&self, path: &str) -> Option<PathBuf> {
        let relative = path.strip_prefix('/').unwrap_or(path);
        if relative.is_empty() {
            return Some(self.folder.join("index.html"));
        }
        let plain = relative.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && !segment.contains(['\\', '%', '\0', ':'])
        });
        if !plain || relative.ends_with(".br") || relative.ends_with(".gz") {
            return None;
        }
        let file = self.folder.join(relative);
        file.is_file().then_some(file)
    }
}

/// The API's paths and the methods each takes, from the OpenAPI document:
/// a request to a known path with a method it does not take is 405 with
/// `Allow`, not 404.
pub struct ApiRoutes {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl ApiRoutes {
    /// Reads the paths of `document`.
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods the path `path` takes, if it is one of the API's.
    pub fn methods_of(&self, path: &str) -> Option<Vec<Method>> {
        let asked: Vec<&str> = path.split('/').collect();
        // The closest template wins: a literal segment before a parameter
        // (`/organizations/applications` before `/organizations/{id}`).
        let mut best: Option<(usize, Vec<Method>)> = None;
        for (segments, taken) in &self.routes {
            if segments.len() != asked.len() {
                continue;
            }
            let mut parameters = 0;
            let matches = segments.iter().zip(&asked).all(|(segment, part)| {
                if segment == part {
                    true
                } else if segment.starts_with('{') && segment.ends_with('}') && !part.is_empty() {
                    parameters += 1;
                    true
                } else {
                    false
                }
            });
            if !matches {
                continue;
            }
            match &mut best {
                Some((fewest, methods)) if *fewest == parameters => {
                    for method in taken {
                        if !methods.contains(method) {
                            methods.push(method.clone());
                        }
                    }
                }
                Some((fewest, _)) if *fewest < parameters => {}
                _ => best = Some((parameters, taken.clone())),
            }
        }
        best.map(|(_, methods)| methods)
    }
}

/// Answers every request no route took: a file of the app, or `index.html`.
pub async fn serve(request: HttpRequest, app: web::Data<WebApp>) -> HttpResponse {
    // The API's own paths first: one no route took is unknown, whatever
    // the method (this service is also the API scope's fallback).
    let path = request.path();
    if path == "/api" || path.starts_with("/api/") {
        let allowed = request
            .app_data::<web::Data<ApiRoutes>>()
            .and_then(|routes| routes.methods_of(path));
        return match allowed {
            Some(methods) if !methods.contains(request.method()) => {
                let allow = methods
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                // The error handlers turn it into problem details, keeping `Allow`.
                HttpResponse::MethodNotAllowed()
                    .insert_header((header::ALLOW, allow))
                    .finish()
            }
            _ => ApiError::NotFound.error_response(),
        };
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return HttpResponse::MethodNotAllowed().finish();
    }
    let file = match app.file(path) {
        Some(file) => file,
        None if path.starts_with("/app/") => return HttpResponse::NotFound().finish(),
        None => app.folder.join("index.html"),
    };
    match send(&request, &file, fingerprinted(path)).await {
        Some(response) => response,
        None => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("The Warren web app is not built. Run `cargo xtask web`, or set WARREN_WEB_DIR."),
    }
}

/// `file`, or its compressed copy the browser accepts, with its caching:
/// for good when `immutable`, revalidated otherwise.
async fn send(request: &HttpRequest, file: &Path, immutable: bool) -> Option<HttpResponse> {
    let name = file.file_name()?.to_str()?;
    let extension = name.rsplit_once('.').map_or("", |(_, extension)| extension);
    let mime = actix_files::file_extension_to_mime(extension);
    let mut opened = None;
    for (encoding, suffix, content_encoding) in [
        (Encoding::brotli(), "br", ContentEncoding::Brotli),
        (Encoding::gzip(), "gz", ContentEncoding::Gzip),
    ] {
        let copy = file.with_file_name(format!("{name}.{suffix}"));
        if accepts(request, encoding) && copy.is_file() {
            opened = NamedFile::open_async(&copy)
                .await
                .ok()
                .map(|copy| copy.set_content_encoding(content_encoding));
            if opened.is_some() {
                break;
            }
        }
    }
    let named = match opened {
        Some(named) => named,
        None => NamedFile::open_async(file).await.ok()?,
    };
    let mut response = named
        .set_content_type(mime)
        .disable_content_disposition()
        .into_response(request);
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let caching = if immutable { IMMUTABLE } else { REVALIDATE };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
    if name == "sw.js" {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(WORKER_POLICY),
        );
    }
    Some(response)
}

/// Whether the request's `Accept-Encoding` allows `encoding`, by name or as
/// `*`, with a quality above zero.
fn accepts(request: &HttpRequest, encoding: Encoding) -> bool {
    let Ok(accepted) = AcceptEncoding::parse(request) else {
        return false;
    };
    let quality = |wanted: &Preference<Encoding>| {
        accepted
            .iter()
            .find(|item| &item.item == wanted)
            .map(|item| item.quality)
    };
    quality(&Preference::Specific(encoding))
        .or_else(|| quality(&Preference::Any))
        .is_some_and(|quality| quality > Quality::ZERO)
}

/// Whether the file at `path` is named after its content: its name is
/// `stem.<16 lowercase hex digits>.extension`, or it lies in a version's
/// folder `/app/<16 lowercase hex digits>/`. `cargo xtask web` gives such
/// names only to content that never changes under them.
fn fingerprinted(path: &str) -> bool {
    let relative = path.strip_prefix('/').unwrap_or(path);
    if let Some(rest) = relative.strip_prefix("app/") {
        return rest
            .split_once('/')
            .is_some_and(|(version, file)| is_hash(version) && !file.is_empty());
    }
    let name = relative.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let _extension = parts.next();
    parts.next().is_some_and(is_hash) && parts.next().is_some()
}

/// Whether `text` is 16 lowercase hex digits, the fingerprint's length.
fn is_hash(text: &str) -> bool {
    text.len() == 16
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn only_names_with_a_full_fingerprint_are_cached_for_good() {
        assert!(fingerprinted("warren_web.0123456789abcdef.js"));
        assert!(fingerprinted("boot.fedcba9876543210.js"));
        assert!(!fingerprinted("index.html"));
        assert!(!fingerprinted("0123456789abcdef.js"));
        assert!(!fingerprinted("style.0123456789ABCDEF.css"));
        assert!(!fingerprinted("style.0123456789abcde.css"));
        assert!(!fingerprinted("sw.js"));
        assert!(fingerprinted("/assets/boot.0123456789abcdef.js"));
        assert!(fingerprinted(
            "/app/0123456789abcdef/split_page_triage.wasm"
        ));
        assert!(fingerprinted("/app/0123456789abcdef/warren_web.js"));
        assert!(!fingerprinted("/app/0123456789abcdef/"));
        assert!(!fingerprinted("/app/0123456789ABCDEF/warren_web.js"));
        assert!(!fingerprinted("/app/latest/warren_web.js"));
        assert!(!fingerprinted("/apps/0123456789abcdef/warren_web.js"));
    }

    #[test]
    fn the_browser_chooses_which_copies_it_may_get() {
        let asking = |value: &str| {
            TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, value))
                .to_http_request()
        };
        let browser = asking("gzip, deflate, br, zstd");
        assert!(accepts(&browser, Encoding::brotli()));
        assert!(accepts(&browser, Encoding::gzip()));
        let gzip_only = asking("gzip");
        assert!(!accepts(&gzip_only, Encoding::brotli()));
        assert!(accepts(&gzip_only, Encoding::gzip()));
        let anything_but_brotli = asking("br;q=0, *");
        assert!(!accepts(&anything_but_brotli, Encoding::brotli()));
        assert!(accepts(&anything_but_brotli, Encoding::gzip()));
        let nothing = TestRequest::default().to_http_request();
        assert!(!accepts(&nothing, Encoding::brotli()));
        assert!(!accepts(&nothing, Encoding::gzip()));
    }

    #[test]
    fn no_path_leads_out_of_the_folder_or_to_hidden_files() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(folder.path().join(".env"), "secret").unwrap();
        std::fs::write(folder.path().join("app.js"), "").unwrap();
        std::fs::write(folder.path().join("app.js.br"), "").unwrap();
        let app = WebApp::new(folder.path().join("."));
        assert_eq!(app.file("/app.js"), Some(folder.path().join("./app.js")));
        assert_eq!(app.file("/"), Some(folder.path().join("./index.html")));
        for path in [
            "/.env",
            "/../etc/passwd",
            "/%2e%2e/x",
            "/app.js.br",
            "//app.js",
            "/x/../app.js",
        ] {
            assert_eq!(app.file(path), None, "{path}");
        }
    }
}
