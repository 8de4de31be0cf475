//! `/directory/vocabulary`: the network's vocabularies — the species,
//! grouped, and the capabilities — that listings, referrals, kit and triage
//! are described with; network admins add terms to them.
//!
//! A species code names its group first (`small_mammal/jerboa`) and the
//! group must exist; a code without a group is a new group. The server
//! checks both and refuses a code that exists already; its answer shows in
//! the form. The list is read again after a term is added, and the
//! device's copy with it, so forms offline offer the new term too.

use leptos::prelude::*;
use warren_client::ClientError;
use warren_domain::OrgName;
use warren_domain::directory::taxonomy::{Taxonomy, Term, TermCode};
use warren_wire::CreateTermRequest;

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, SuccessNotice, TextField, capabilities,
    reveal_problem, species_groups,
};
use crate::offline::{TAXONOMY_KEY, read_through};
use crate::session::use_session;

/// The vocabulary page.
#[component]
pub fn VocabularyPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Vocabulary/>
        </RequireSignIn>
    }
}

#[component]
fn Vocabulary() -> impl IntoView {
    let session = use_session();
    // Bumped after a term is added, to read the vocabulary again.
    let changes = RwSignal::new(0_u32);
    let terms = LocalResource::new(move || {
        changes.track();
        async move {
            read_through(TAXONOMY_KEY, async move { session.api().taxonomy().await })
                .await
                .map(|cached| cached.value.items)
        }
    });
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/directory">"Directory"</a></p>
            <h1>"Vocabulary"</h1>
            <p class="lead">"The species and capabilities that listings, referrals, kit and triage are described with."</p>
        </header>
        <Show
            when=move || session.is_network_admin()
            fallback=|| view! { <p class="muted">"Network coordinators add terms."</p> }
        >
            <NewTermForm changes/>
        </Show>
        <Loaded resource=terms label="Loading the vocabulary…" let:terms>
            <TermLists terms/>
        </Loaded>
    }
}

/// The species by group, and the capabilities, each with its code.
#[component]
fn TermLists(terms: Vec<Term>) -> impl IntoView {
    let term_item = |term: Term| {
        view! {
            <li data-testid="term" data-taxonomy=term.taxonomy.as_str() data-code=term.code.to_string()>
                {term.label}
                " "
                <code class="small muted">{term.code.to_string()}</code>
            </li>
        }
    };
    view! {
        <section class="card" aria-labelledby="species-heading" data-testid="species-terms">
            <h2 id="species-heading">"Species"</h2>
            {species_groups(&terms)
                .into_iter()
                .map(|group| {
                    view! {
                        <h3 class="small-heading" data-group=group.code>{group.label}</h3>
                        <ul class="plain-list">{group.terms.into_iter().map(term_item).collect_view()}</ul>
                    }
                })
                .collect_view()}
        </section>
        <section class="card" aria-labelledby="capability-heading" data-testid="capability-terms">
            <h2 id="capability-heading">"Capabilities"</h2>
            <ul class="plain-list">{capabilities(&terms).into_iter().map(term_item).collect_view()}</ul>
        </section>
    }
}

/// Adds a term (network admins).
#[component]
fn NewTermForm(changes: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let taxonomy = RwSignal::new(Taxonomy::Species);
    let code = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let notice = RwSignal::new(None::<String>);
    let add = Action::new_local(move |request: &CreateTermRequest| {
        let request = request.clone();
        async move {
            match session.api().create_term(&request).await {
                Ok(term) => {
                    code.set(String::new());
                    label.set(String::new());
                    notice.set(Some(format!("Added: {} ({}).", term.label, term.code)));
                    changes.update(|count| *count += 1);
                }
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                    reveal_problem();
                }
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        problem.set(None);
        notice.set(None);
        let parsed_code = errors.check("code", TermCode::parse(code.get_untracked()));
        let parsed_label = errors.check("label", OrgName::parse(label.get_untracked().trim()));
        match (parsed_code, parsed_label) {
            (Some(code), Some(label)) => {
                add.dispatch(CreateTermRequest {
                    taxonomy: taxonomy.get_untracked(),
                    code,
                    label,
                });
            }
            _ => reveal_problem(),
        }
    };
    view! {
        <section class="card" aria-labelledby="new-term-heading" data-testid="new-term">
            <h2 id="new-term-heading">"Add a term"</h2>
            <SuccessNotice message=notice/>
            <form novalidate on:submit=submit>
                <fieldset class="radio-list" id="term-taxonomy">
                    <legend>"Vocabulary"</legend>
                    {[(Taxonomy::Species, "Species"), (Taxonomy::Capability, "Capability")]
                        .into_iter()
                        .map(|(choice, words)| {
                            let id = format!("term-taxonomy-{}", choice.as_str());
                            view! {
                                <div class="checkbox">
                                    <input type="radio" name="term-taxonomy" id=id.clone() value=choice.as_str()
                                        prop:checked=move || taxonomy.get() == choice
                                        on:change=move |_| taxonomy.set(choice)/>
                                    <label for=id>{words}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div class="form-grid two">
                    <TextField id="term-code" label="Code" value=code required=true
                        hint="Lowercase words joined by underscores. A species names its group first, e.g. small_mammal/jerboa; a code without a group starts a new group."
                        error=errors.of("code")/>
                    <TextField id="term-label" label="Label" value=label required=true
                        hint="What people read, e.g. “Jerboa”."
                        error=errors.of("label")/>
                </div>
                <ErrorAlert error=problem/>
                <div class="form-actions">
                    <button type="submit" id="add-term" class="button primary" disabled=move || add.pending().get()>"Add term"</button>
                </div>
            </form>
        </section>
    }
}
