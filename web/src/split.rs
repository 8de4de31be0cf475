//! Pages downloaded when first opened.
//!
//! The app is cut into pieces after linking (`cargo xtask web` runs
//! `wasm_split_cli_support`): the part every page needs (the session, the
//! layout, the API client, the live alerts) comes first, and each page
//! declared with [`split_page!`] goes into the split point of its part of
//! the app (triage, referrals, lending…), which the browser downloads the
//! first time one of its pages is opened. Code two parts share lands in a
//! piece both of them load. A phone opening `/triage` thus downloads the
//! triage pages and what they need, not the dashboard's charts or the
//! library's editor.
//!
//! Pages are grouped into parts rather than split one by one: the splitter
//! makes one piece per set of split points sharing code, and with one split
//! point per page (51) that was 1,161 pieces, 335 of them for `/triage`
//! alone — hundreds of requests, each compressed on its own, larger in all
//! than the whole app.
//!
//! A piece that cannot be downloaded (the connection dropped, the server was
//! updated meanwhile) must not take the app down: the split functions are
//! declared `fallible`, so the failure comes back as a [`PageMissing`] and the
//! route shows [`PageDownloadFailed`] with "Try again" instead of panicking.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// A page whose code could not be downloaded.
#[derive(Debug, Clone, Copy)]
pub struct PageMissing;

impl From<SplitLoaderError> for PageMissing {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// Declares `$route`, a [`leptos_router::LazyRoute`] whose view is the page
/// `crate::pages::$page`, compiled into the split point `$part` (the part of
/// the app it belongs to; several pages share one) by a function in the
/// module `$module` (one per page).
///
/// The router downloads the chunk when the route is first matched and keeps
/// showing the previous page until it is there; `preload` lets a link warm
/// it up.
#[macro_export]
macro_rules! split_page {
    ($route:ident, $module:ident in $part:ident, $page:ident) => {
        #[doc = concat!("The split function of [`crate::pages::", stringify!($page), "`].")]
        mod $module {
            #[::leptos::wasm_split::wasm_split(
                $part,
                fallible,
                wasm_split_path = ::leptos::wasm_split,
                preload(preload)
            )]
            pub fn page()
            -> ::core::result::Result<::leptos::prelude::AnyView, $crate::split::PageMissing> {
                ::core::result::Result::Ok(::leptos::prelude::IntoAny::into_any(
                    $crate::pages::$page(),
                ))
            }
        }

        #[doc = concat!("The route of [`crate::pages::", stringify!($page), "`], downloaded when first opened.")]
        pub struct $route;

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> ::leptos::prelude::AnyView {
                let on_its_way = $crate::split::PageLoads::start();
                let page = $module::page().await;
                drop(on_its_way);
                $crate::split::page_or_failure(page)
            }

            async fn preload() {
                // A failure here is answered when the page is opened.
                let _ = $module::preload().await;
            }
        }
    };
}

/// The downloaded page, or [`PageDownloadFailed`] in its place.
pub fn page_or_failure(page: Result<AnyView, PageMissing>) -> AnyView {
    match page {
        Ok(page) => page,
        Err(PageMissing) => view! { <PageDownloadFailed/> }.into_any(),
    }
}

/// Says that this page could not be downloaded, and offers to try again
/// (a reload, which asks for the page's piece anew; the rest of the app is
/// kept by the browser).
#[component]
pub fn PageDownloadFailed() -> impl IntoView {
    let online = web_sys::window().is_none_or(|window| window.navigator().on_line());
    let reason = if online {
        "This page could not be downloaded. The connection may have dropped, or Warren was \
         updated meanwhile."
    } else {
        "This page could not be downloaded: this device is offline, and the page has not been \
         opened on it before."
    };
    let retry = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <section class="page page-download-failed" data-testid="page-download-failed">
            <div class="alert alert-error" role="alert">
                <p>{reason}</p>
                <button type="button" class="button" id="page-retry" on:click=retry>
                    "Try again"
                </button>
            </div>
        </section>
    }
}

/// Where the app stands with downloading pages, for the layout to show:
/// whether a page's piece is on its way, and whether the router is waiting
/// for the next page. Opening the app on a page whose piece is still coming,
/// the page area says it is loading; moving to another page, a thin bar runs
/// along the top while the previous page stays. The page area is marked busy
/// meanwhile.
#[derive(Clone, Copy)]
pub struct PageLoads {
    /// How many pieces are on their way: a person may move on before one arrives, and the next
    /// page's download overlaps it.
    in_flight: RwSignal<u32>,
    routing: RwSignal<bool>,
}

/// One page's piece on its way, counted by [`PageLoads`] until dropped: when it arrived, failed,
/// or the router gave up waiting for it because the person went elsewhere.
#[must_use = "the piece counts as on its way until this is dropped"]
pub struct OnItsWay(Option<RwSignal<u32>>);

impl Drop for OnItsWay {
    fn drop(&mut self) {
        if let Some(in_flight) = self.0 {
            // The app may be gone already (the tab is closing).
            in_flight.try_update(|count| *count = count.saturating_sub(1));
        }
    }
}

impl PageLoads {
    /// Provides the app's one [`PageLoads`] and returns it.
    pub fn provide() -> Self {
        let loads = PageLoads {
            in_flight: RwSignal::new(0),
            routing: RwSignal::new(false),
        };
        provide_context(loads);
        loads
    }

    /// The app's [`PageLoads`], if provided.
    pub fn get() -> Option<Self> {
        use_context::<Self>()
    }

    /// Notes that a page's piece is on its way, until the answer is dropped.
    pub fn start() -> OnItsWay {
        let in_flight = Self::get().map(|loads| loads.in_flight);
        if let Some(in_flight) = in_flight {
            in_flight.update(|count| *count += 1);
        }
        OnItsWay(in_flight)
    }

    fn waiting(self) -> bool {
        self.in_flight.get() > 0
    }

    /// What the router sets while it waits for a page.
    pub fn routing_setter(self) -> SignalSetter<bool> {
        self.routing.into()
    }

    /// Whether the page being opened is on its way, with no page shown
    /// meanwhile (the router is not moving from one).
    pub fn opening(self) -> bool {
        self.waiting() && !self.routing.get()
    }

    /// Whether the router waits for the next page.
    pub fn routing(self) -> bool {
        self.routing.get()
    }

    /// Whether anything is on its way.
    pub fn busy(self) -> bool {
        self.waiting() || self.routing.get()
    }
}
