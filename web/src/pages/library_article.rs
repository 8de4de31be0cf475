//! `/library/:id`: one article, rendered, with its version history.
//!
//! The body is the HTML the server rendered from Markdown and sanitised
//! (`body_html`); the page inserts that and nothing else. `?version=N`
//! shows an earlier version, marked as such. Those who may edit see an
//! edit link and can archive the article.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use warren_client::Versioned;
use warren_wire::{Article, ArticleVersion, ArticleVersionList, Visibility};

use crate::components::{
    ConfirmButton, ErrorAlert, Loading, RequireSignIn, error_of, label_of, term_labels,
};
use crate::local_time;
use crate::pages::library::{KindBadge, TagList};
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// The page of one article.
#[component]
pub fn LibraryArticlePage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <ArticleView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn ArticleView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let chosen = Memo::new(move |_| {
        query.with(|query| query.get("version").and_then(|n| n.parse::<i64>().ok()))
    });
    let article = LocalResource::new(move || async move { session.api().article(id).await });
    let history =
        LocalResource::new(move || async move { session.api().article_versions(id).await });
    let old = LocalResource::new(move || {
        let number = chosen.get();
        async move {
            match number {
                None => None,
                Some(number) => Some(session.api().article_version(id, number).await),
            }
        }
    });
    let labels = LocalResource::new(move || term_labels(session));
    view! {
        <Transition fallback=|| view! { <Loading label="Loading the article…"/> }>
            {move || Suspend::new(async move {
                let labels = labels.await;
                let history = history.await.ok();
                let old = old.await;
                match article.await {
                    Ok(article) => {
                        let species: Vec<String> = article
                            .value
                            .species
                            .iter()
                            .map(|code| label_of(&labels, code))
                            .collect();
                        view! { <ArticleBody article species history old/> }.into_any()
                    }
                    Err(error) => view! {
                        <p><a href="/library">"← Library"</a></p>
                        <ErrorAlert error=Signal::stored(Some(error))/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// The article (or one of its earlier versions) and its history.
#[component]
fn ArticleBody(
    article: Versioned<Article>,
    species: Vec<String>,
    history: Option<ArticleVersionList>,
    old: Option<Result<ArticleVersion, warren_client::ClientError>>,
) -> impl IntoView {
    let Versioned {
        value: article,
        etag,
    } = article;
    let id = article.id;
    let (old, old_error) = match old {
        Some(Ok(version)) if !version.current => (Some(version), None),
        Some(Err(error)) => (None, Some(error)),
        _ => (None, None),
    };
    let title = old
        .as_ref()
        .map_or_else(|| article.title.clone(), |version| version.title.clone());
    let html = old.as_ref().map_or_else(
        || article.body_html.clone(),
        |version| version.body_html.clone(),
    );
    let shown = old
        .as_ref()
        .map_or(article.version, |version| version.number);
    let private = article.visibility == Visibility::Organization;
    let editable = article.can_edit && old.is_none();
    view! {
        <p class="eyebrow">
            <a href="/library">"← Library"</a>
        </p>
        <ErrorAlert error=Signal::stored(old_error)/>
        <article class="article-layout">
            <div class="card article-main">
                <header class="article-header">
                    <div class="badges">
                        <KindBadge kind=article.kind/>
                        {private.then(|| view! { <span class="badge badge-muted">"Organization only"</span> })}
                        {article.archived_at.map(|_| view! { <span class="badge badge-suspended">"Archived"</span> })}
                    </div>
                    <h1 data-testid="article-title">{title}</h1>
                    {article.summary.clone().map(|summary| view! { <p class="lead">{summary}</p> })}
                    <p class="muted small article-meta">
                        {format!(
                            "{} · version {} · updated {} by {}",
                            article.organization_name,
                            article.version,
                            local_time::date_time(article.updated_at),
                            article.updated_by,
                        )}
                    </p>
                    <TagList species topics=article.topics.clone()/>
                    {old.as_ref().map(|version| view! {
                        <div class="alert alert-warning" role="note" data-testid="old-version">
                            <p>
                                {format!(
                                    "You are reading version {} of {} ({}, by {}). ",
                                    version.number,
                                    article.version,
                                    local_time::date_time(version.created_at),
                                    version.author,
                                )}
                                <a href=format!("/library/{id}")>"Read the current version"</a>
                            </p>
                        </div>
                    })}
                    {editable.then(|| view! {
                        <div class="button-row">
                            <a class="button secondary small" href=format!("/library/{id}/edit") data-testid="edit-article">
                                "Edit"
                            </a>
                            <Archive id etag/>
                        </div>
                    })}
                </header>
                // The server rendered this from Markdown and sanitised it.
                <div class="article-body" data-testid="article-body" inner_html=html></div>
            </div>
            <aside class="card article-history" aria-labelledby="history-heading">
                <h2 id="history-heading">"History"</h2>
                {match history {
                    Some(history) => view! { <History history shown id/> }.into_any(),
                    None => view! { <p class="muted">"The history could not be loaded."</p> }.into_any(),
                }}
            </aside>
        </article>
    }
}

/// Every version, newest first, the one shown marked.
#[component]
fn History(history: ArticleVersionList, shown: i64, id: Uuid) -> impl IntoView {
    view! {
        <ol class="version-list" data-testid="version-list">
            {history
                .items
                .into_iter()
                .map(|version| {
                    let href = if version.number == history.current {
                        format!("/library/{id}")
                    } else {
                        format!("/library/{id}?version={}", version.number)
                    };
                    let here = version.number == shown;
                    view! {
                        <li class="version" class:current=here data-version=version.number.to_string()>
                            <a href=href aria-current=here.then_some("page")>
                                {format!("Version {}", version.number)}
                            </a>
                            <span class="version-note">{version.change_note}</span>
                            <span class="muted small">
                                {format!("{} · {}", version.author, local_time::date_time(version.created_at))}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Archives the article after a confirmation, then returns to the library.
#[component]
fn Archive(id: Uuid, etag: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let etag = StoredValue::new(etag);
    let archive = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let answer = session.api().archive_article(id, &etag.get_value()).await;
            if answer.is_ok() {
                session.set_notice("The article was archived.");
                navigate("/library", NavigateOptions::default());
            }
            answer
        }
    });
    let pending = archive.pending();
    let error = Signal::derive(move || error_of(archive.value().get()));
    view! {
        <ConfirmButton
            label="Archive"
            confirm_label="Yes, archive"
            question="Archive this article? It leaves search and can no longer be edited."
            pending
            on_confirm=Callback::new(move |()| {
                archive.dispatch(());
            })
        />
        <ErrorAlert error/>
    }
}
