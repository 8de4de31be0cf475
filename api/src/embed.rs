//! The embeddable public directory: what partner websites (rescues, pet
//! shops, hamster clubs, councils) put on their pages so a pet owner or a
//! wildlife finder can ask "who can help this animal, now, near me" without
//! signing in.
//!
//! Four small static files written for this (no framework, no WebAssembly,
//! nothing from a CDN), compiled into the binary and served under `/embed/`:
//!
//! - `warren-directory.js`, the loader a partner page includes;
//! - `directory.html`, `directory.js`, `directory.css`, the page shown in the
//!   partner's `<iframe>`. It calls the public API on its own origin
//!   (`/api/v1/public/taxonomy`, `/search`, `/sites/{id}`);
//! - `status.html`, `status.js`, `status.css`, the page an owner or finder
//!   opens from a clinic's status link (`/embed/status.html#SECRET`, not
//!   framed), which reads `POST /api/v1/public/case-status`;
//! - `report.html`, `report.js`, `report.css`, the network's public report
//!   for funders and owners (`/api/v1/public/report`), shown instead with
//!   `data-page="report"` (and `data-from`, `data-to` as `YYYY-MM`).
//!
//! # The snippet
//!
//! ```html
//! <script src="https://WARREN/embed/warren-directory.js"
//!         data-species="small_mammal/hamster"
//!         data-accent="#5b2a86" data-background="#ffffff" data-text="#222222"
//!         data-key="PARTNER-EMBED-KEY" async></script>
//! ```
//!
//! The loader puts an `<iframe>` where the script stands (or into the element
//! `data-target` names, a CSS selector) and resizes it to its content: the page
//! inside posts `{type: "warren:resize", height}` and the loader accepts it only
//! from its own iframe's window and from Warren's origin.
//!
//! Every setting is optional:
//!
//! | script attribute                  | iframe query parameter | meaning                                  |
//! |-----------------------------------|------------------------|------------------------------------------|
//! | `data-species`                    | `species`              | preselected animal, e.g. `wildlife/hedgehog` |
//! | `data-capabilities`               | `capabilities`         | care needed, comma-separated codes       |
//! | `data-lat`, `data-lon`            | `lat`, `lon`           | search near this point                   |
//! | `data-near`                       | `near`                 | search near this town or postcode (the visitor can change it) |
//! | `data-radius`                     | `radius_km`            | … within this many km                    |
//! | `data-q`                          | `q`                    | preset search text                       |
//! | `data-open`                       | `open`                 | `false`: also list places closed now     |
//! | `data-accepting`                  | `accepting`            | `false`: also list places that are full  |
//! | `data-accent`, `data-background`, `data-text` | `accent`, `background`, `text` | CSS colours  |
//! | `data-title`                      | `title`                | the heading                              |
//! | `data-limit`                      | `limit`                | results per page, 1–50 (default 10)      |
//! | `data-height`                     | —                      | height in px until the first resize (480) |
//! | `data-key`                        | fragment `#key=`       | partner API key with the `embed` scope   |
//! | `data-target`                     | —                      | CSS selector of the element to fill      |
//!
//! Without the script, the iframe alone works too (it then keeps the height
//! it is given and scrolls):
//!
//! ```html
//! <iframe src="https://WARREN/embed/directory.html?species=wildlife/hedgehog&accent=%23006d77#key=PARTNER-EMBED-KEY"
//!         title="Find animal care near you" allow="geolocation"
//!         style="width:100%;height:720px;border:0"></iframe>
//! ```
//!
//! With a key, the page sends it as `X-API-Key` on its API calls so the rate
//! limit counts per partner; without one it counts per visitor's address. The
//! key travels in the URL fragment, which browsers never send to a server, but
//! anyone can read it in the partner's page: give partners keys with the
//! `embed` scope only. When the limit is reached the page says how many
//! seconds to wait (from `Retry-After`).
//!
//! # Headers
//!
//! `directory.html` may be framed by any origin (`Content-Security-Policy:
//! frame-ancestors *`, no `X-Frame-Options`); its policy otherwise allows
//! scripts, styles and requests from Warren only. Every other response of the
//! server refuses to be framed ([`crate::server`]). Assets are cached for five
//! minutes and revalidated with their `ETag`, and sent compressed.

use std::sync::LazyLock;

use actix_web::http::header::{
    self, CacheControl, CacheDirective, ETag, EntityTag, Header, IfNoneMatch,
};
use actix_web::middleware::Compress;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

/// One file of the embed, as the binary carries it.
#[derive(Debug)]
pub struct Asset {
    /// Its name under `/embed/`.
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
    /// Whether any website may show it in a frame (only the directory page).
    pub frameable: bool,
}

/// The policy of the framed page: anyone may frame it; it runs only Warren's
/// own script and style and talks only to Warren.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *";

/// How long browsers and proxies may reuse an asset before revalidating it.
/// Short, because partners link the unversioned loader.
const MAX_AGE_SECONDS: u32 = 300;

/// Every file of the embed. Their gzipped total must stay within 30 KB (a
/// test measures it).
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "warren-directory.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../embed/warren-directory.js"),
        frameable: false,
    },
    Asset {
        name: "directory.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../embed/directory.html"),
        frameable: true,
    },
    Asset {
        name: "directory.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../embed/directory.js"),
        frameable: false,
    },
    Asset {
        name: "report.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../embed/report.html"),
        frameable: true,
    },
    Asset {
        name: "report.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../embed/report.js"),
        frameable: false,
    },
    Asset {
        name: "report.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../embed/report.css"),
        frameable: false,
    },
    Asset {
        name: "status.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../embed/status.html"),
        frameable: false,
    },
    Asset {
        name: "status.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../embed/status.js"),
        frameable: false,
    },
    Asset {
        name: "status.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../embed/status.css"),
        frameable: false,
    },
    Asset {
        name: "directory.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../embed/directory.css"),
        frameable: false,
    },
];

/// Each asset's entity tag, from a digest of its bytes. Weak, because the
/// compressed and plain responses share it.
static TAGS: LazyLock<Vec<EntityTag>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.body);
            let hex: String = digest[..12]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            EntityTag::new_weak(hex)
        })
        .collect()
});

/// Registers `GET /embed/{asset}` for every asset; other paths under
/// `/embed/` answer 404.
pub fn routes(config: &mut web::ServiceConfig) {
    let mut scope = web::scope("/embed");
    for (asset, tag) in ASSETS.iter().zip(TAGS.iter()) {
        scope = scope.route(
            &format!("/{}", asset.name),
            web::get().to(move |request: HttpRequest| async move { serve(asset, tag, &request) }),
        );
    }
    config.service(scope.wrap(Compress::default()));
}

/// Answers with `asset`, or 304 when the browser already holds this version.
fn serve(asset: &Asset, tag: &EntityTag, request: &HttpRequest) -> HttpResponse {
    let fresh = match IfNoneMatch::parse(request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|held| held.weak_eq(tag)),
        Err(_) => false,
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(ETag(tag.clone()))
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(MAX_AGE_SECONDS),
        ]));
    if asset.frameable {
        response.insert_header((header::CONTENT_SECURITY_POLICY, PAGE_POLICY));
    } else {
        // Partner pages load the loader (and the frame its files) from
        // another origin.
        response.insert_header((header::CROSS_ORIGIN_RESOURCE_POLICY, "cross-origin"));
    }
    if fresh {
        response.finish()
    } else {
        response.content_type(asset.content_type).body(asset.body)
    }
}
