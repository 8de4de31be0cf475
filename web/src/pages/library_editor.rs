//! `/library/new` and `/library/:id/edit`: writing an article in Markdown.
//!
//! The form checks every field with the domain's own rules before sending
//! and shows the server's field errors after. "Preview" asks the server to
//! render the Markdown exactly as the article will show (sanitised), so
//! what the author sees is what readers get. An edit is sent with the
//! version it started from; when someone else saved meanwhile the server
//! refuses it (412) and the form keeps the text, offering to reload.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use warren_client::Versioned;
use warren_domain::Role;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_wire::ErrorCode;
use warren_wire::{
    Article, ArticleBody, ArticleKind, ArticleSummary, ArticleTitle, ChangeNote,
    CreateArticleRequest, PreviewRequest, Topic, UpdateArticleRequest, Visibility,
};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, TermChips, TextField, error_of, reveal_problem,
};
use crate::idempotency::IdempotencyKey;
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// The page for a new article.
#[component]
pub fn NewArticlePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <header class="page-header">
                <p class="eyebrow"><a href="/library">"← Library"</a></p>
                <h1>"New article"</h1>
            </header>
            <ArticleForm article=None reload=None/>
        </RequireSignIn>
    }
}

/// The page editing an article.
#[component]
pub fn EditArticlePage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <EditArticle id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn EditArticle(id: Uuid) -> impl IntoView {
    let session = use_session();
    let article = LocalResource::new(move || async move { session.api().article(id).await });
    let reload = Callback::new(move |()| article.refetch());
    view! {
        <Loaded resource=article label="Loading the article…" let:article>
            {if article.value.can_edit {
                view! {
                    <header class="page-header">
                        <p class="eyebrow">
                            <a href=format!("/library/{id}")>{article.value.title.clone()}</a>
                        </p>
                        <h1>"Edit article"</h1>
                    </header>
                    <ArticleForm article=Some(article) reload=Some(reload)/>
                }
                    .into_any()
            } else {
                view! {
                    <section class="card narrow">
                        <h1>{article.value.title}</h1>
                        <p>"Only the organization's admins, clinicians and staff edit its articles."</p>
                        <a href=format!("/library/{id}")>"Back to the article"</a>
                    </section>
                }
                    .into_any()
            }}
        </Loaded>
    }
}

/// What the form sends.
#[derive(Clone)]
enum Submission {
    Create(CreateArticleRequest),
    Update(Uuid, UpdateArticleRequest),
}

/// The article form, empty or filled with `article` as read.
#[component]
fn ArticleForm(article: Option<Versioned<Article>>, reload: Option<Callback<()>>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let editing = article
        .as_ref()
        .map(|article| (article.value.id, article.etag.clone()));
    let value = article.map(|article| article.value);
    let writable: Vec<(Uuid, String)> = session
        .memberships()
        .into_iter()
        .filter(|membership| membership.role != Role::Volunteer)
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect();
    let organization = RwSignal::new(
        value
            .as_ref()
            .map(|article| article.organization_id)
            .or_else(|| writable.first().map(|(id, _)| *id)),
    );
    let kind = RwSignal::new(value.as_ref().map_or(ArticleKind::Protocol, |a| a.kind));
    let visibility = RwSignal::new(value.as_ref().map_or(Visibility::Network, |a| a.visibility));
    let title = RwSignal::new(value.as_ref().map(|a| a.title.clone()).unwrap_or_default());
    let summary = RwSignal::new(
        value
            .as_ref()
            .and_then(|a| a.summary.clone())
            .unwrap_or_default(),
    );
    let species = RwSignal::new(
        value
            .as_ref()
            .map(|a| a.species.clone())
            .unwrap_or_default(),
    );
    let topics = RwSignal::new(
        value
            .as_ref()
            .map(|a| a.topics.join(", "))
            .unwrap_or_default(),
    );
    let body = RwSignal::new(
        value
            .as_ref()
            .map(|a| a.body_markdown.clone())
            .unwrap_or_default(),
    );
    let change_note = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let terms = LocalResource::new(move || async move {
        session
            .api()
            .taxonomy()
            .await
            .map(|list| {
                list.items
                    .into_iter()
                    .filter(|term| term.taxonomy == Taxonomy::Species)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let preview = Action::new_local(move |markdown: &String| {
        let markdown = markdown.clone();
        async move {
            let request = match ArticleBody::parse(markdown) {
                Ok(body_markdown) => PreviewRequest { body_markdown },
                Err(_) => return Ok(String::new()),
            };
            session
                .api()
                .preview_article(&request)
                .await
                .map(|preview| preview.body_html)
        }
    });
    let preview_html = Signal::derive(move || {
        preview
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    });

    let etag = StoredValue::new(editing.as_ref().map(|(_, etag)| etag.clone()));
    let key = IdempotencyKey::new();
    let save = Action::new_local(move |submission: &Submission| {
        let submission = submission.clone();
        let navigate = navigate.clone();
        async move {
            let client = session.api();
            let answer = match submission {
                Submission::Create(request) => {
                    let key = key.for_body(&request);
                    client.create_article(&request, Some(&key)).await
                }
                Submission::Update(id, request) => client
                    .update_article(
                        id,
                        &request,
                        etag.get_value().as_deref().unwrap_or_default(),
                    )
                    .await
                    .map(|versioned| versioned.value),
            };
            match &answer {
                Ok(article) => {
                    key.finish();
                    session.set_notice("The article was saved.");
                    navigate(
                        &format!("/library/{}", article.id),
                        NavigateOptions::default(),
                    );
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            answer.map(|_| ())
        }
    });
    let editing_article = editing.as_ref().map(|(id, _)| *id);
    let pending = save.pending();
    let error = Signal::derive(move || error_of(save.value().get()));
    let stale = Signal::derive(move || {
        error
            .get()
            .is_some_and(|error| error.is(ErrorCode::PreconditionFailed))
    });
    let other_error = Signal::derive(move || error.get().filter(|_| !stale.get()));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let title = errors.check("title", ArticleTitle::parse(title.get_untracked()));
        let summary_text = summary.get_untracked();
        let summary = if summary_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("summary", ArticleSummary::parse(summary_text))
                .map(Some)
        };
        let body = errors.check("body_markdown", ArticleBody::parse(body.get_untracked()));
        let species: Vec<TermCode> = species
            .get_untracked()
            .into_iter()
            .filter_map(|code| TermCode::parse(code).ok())
            .collect();
        let mut topic_list = Vec::new();
        for word in topics.get_untracked().split(',') {
            if word.trim().is_empty() {
                continue;
            }
            if let Some(topic) = errors.check("topics", Topic::parse(word)) {
                topic_list.push(topic);
            }
        }
        let note_text = change_note.get_untracked();
        let note = if note_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("change_note", ChangeNote::parse(note_text))
                .map(Some)
        };
        let (Some(title), Some(summary), Some(body_markdown), Some(change_note)) =
            (title, summary, body, note)
        else {
            reveal_problem();
            return;
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        let submission = match editing_article {
            Some(id) => Submission::Update(
                id,
                UpdateArticleRequest {
                    kind: kind.get_untracked(),
                    visibility: visibility.get_untracked(),
                    title,
                    summary,
                    body_markdown,
                    species,
                    topics: topic_list,
                    change_note,
                },
            ),
            None => Submission::Create(CreateArticleRequest {
                organization_id: organization.get_untracked(),
                kind: kind.get_untracked(),
                visibility: visibility.get_untracked(),
                title,
                summary,
                body_markdown,
                species,
                topics: topic_list,
                change_note,
            }),
        };
        save.dispatch(submission);
    };
    let show_organizations = editing_article.is_none() && writable.len() > 1;
    let cancel_href =
        editing_article.map_or_else(|| "/library".to_owned(), |id| format!("/library/{id}"));

    view! {
        <Show when=move || stale.get()>
            <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                <p>"Someone saved a new version since you opened this article — reload to see it."</p>
                <p class="alert-meta">"Your text is still in the form below; reloading replaces it."</p>
                {reload.map(|reload| view! {
                    <button type="button" class="button secondary small" on:click=move |_| reload.run(())>
                        "Reload the article"
                    </button>
                })}
            </div>
        </Show>
        <ErrorAlert error=other_error/>
        <form class="card article-form" on:submit=submit novalidate=true>
            <div class="form-grid two">
                {show_organizations.then(|| view! {
                    <div class="field">
                        <label for="article-organization">"Organization"</label>
                        <select
                            id="article-organization"
                            on:change=move |event| {
                                organization.set(Uuid::parse_str(&event_target_value(&event)).ok());
                            }
                        >
                            {writable
                                .iter()
                                .map(|(id, name)| {
                                    let id = *id;
                                    view! {
                                        <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                            {name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for="article-kind">"Kind"</label>
                    <select
                        id="article-kind"
                        on:change=move |event| {
                            if let Some(chosen) = ArticleKind::parse(&event_target_value(&event)) {
                                kind.set(chosen);
                            }
                        }
                    >
                        {ArticleKind::ALL
                            .iter()
                            .map(|option| {
                                let option = *option;
                                view! {
                                    <option value=option.as_str() prop:selected=move || kind.get() == option>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="article-visibility">"Who reads it"</label>
                    <select
                        id="article-visibility"
                        aria-invalid=move || errors.of("visibility").get().is_some().then_some("true")
                        on:change=move |event| {
                            if let Some(chosen) = Visibility::parse(&event_target_value(&event)) {
                                visibility.set(chosen);
                            }
                        }
                    >
                        {Visibility::ALL
                            .iter()
                            .map(|option| {
                                let option = *option;
                                view! {
                                    <option value=option.as_str() prop:selected=move || visibility.get() == option>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    {move || errors.of("visibility").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <TextField id="article-title" label="Title" value=title required=true error=errors.of("title")/>
            <div class="field">
                <label for="article-summary">"Summary"</label>
                <p class="hint">"One or two sentences shown in search results."</p>
                <textarea
                    id="article-summary"
                    rows="2"
                    aria-invalid=move || errors.of("summary").get().is_some().then_some("true")
                    bind:value=summary
                ></textarea>
                {move || errors.of("summary").get().map(|error| view! { <p class="field-error">{error}</p> })}
            </div>
            <fieldset class="chip-set">
                <legend>"Species"</legend>
                {move || terms.get().map(|terms| view! { <TermChips terms chosen=species/> })}
                {move || errors.of("species").get().map(|error| view! { <p class="field-error">{error}</p> })}
            </fieldset>
            <TextField
                id="article-topics"
                label="Topics"
                value=topics
                hint="Separated by commas, e.g. enrichment, diet, heat stress."
                error=errors.of("topics")
            />
            <div class="article-editor">
                <div class="field">
                    <label for="article-body">"Body (Markdown)"</label>
                    <p class="hint">"# Heading, **bold**, - lists, | tables |, [links](https://…)."</p>
                    <textarea
                        id="article-body"
                        class="markdown-input"
                        rows="18"
                        aria-invalid=move || errors.of("body_markdown").get().is_some().then_some("true")
                        bind:value=body
                    ></textarea>
                    {move || errors.of("body_markdown").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    <div class="button-row">
                        <button
                            type="button"
                            class="button secondary small"
                            data-testid="preview-article"
                            disabled=move || preview.pending().get()
                            on:click=move |_| {
                                preview.dispatch(body.get_untracked());
                            }
                        >
                            "Preview"
                        </button>
                    </div>
                </div>
                <section class="article-preview" aria-label="Preview" aria-live="polite">
                    <h2 class="muted small">"Preview"</h2>
                    {move || {
                        let html = preview_html.get();
                        if html.is_empty() {
                            view! { <p class="muted">"Press Preview to see the article as readers will."</p> }.into_any()
                        } else {
                            // Rendered and sanitised by the server.
                            view! { <div class="article-body" data-testid="article-preview" inner_html=html></div> }.into_any()
                        }
                    }}
                </section>
            </div>
            {editing_article.is_some().then(|| view! {
                <TextField
                    id="article-change-note"
                    label="What changed"
                    value=change_note
                    hint="Shown in the history, e.g. \"Updated the fluid rates\"."
                    error=errors.of("change_note")
                />
            })}
            <div class="button-row">
                <button type="submit" class="button primary" data-testid="save-article" disabled=move || pending.get()>
                    {if editing_article.is_some() { "Save new version" } else { "Publish" }}
                </button>
                <a class="button secondary" href=cancel_href>"Cancel"</a>
            </div>
        </form>
    }
}
