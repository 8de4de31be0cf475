//! `/organizations/:id/api-keys`: the organization's keys for integrations
//! and partner widgets.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::{ApiKeyName, ApiScope};
use warren_wire::{API_KEY_HEADER, ApiKey, CreateApiKeyRequest, CreatedApiKey};

use crate::components::{
    ConfirmButton, CopyBox, ErrorAlert, FieldErrors, ListTable, Loaded, OrgHeader, OrgTab,
    RequireSignIn, SuccessNotice, TextField, error_of,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <ApiKeys id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

/// What a scope allows, for the checkbox labels.
fn scope_description(scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Read => "Read — read the organization's data",
        ApiScope::Write => "Write — change the organization's data",
        ApiScope::Embed => "Embed — the public directory, for partner websites",
    }
}

#[component]
fn ApiKeys(id: Uuid) -> impl IntoView {
    let session = use_session();
    let notice = RwSignal::new(None::<String>);
    let keys = LocalResource::new(move || async move { session.api().api_keys(id).await });
    let reload = Callback::new(move |()| keys.refetch());
    view! {
        <OrgHeader organization=id current=OrgTab::ApiKeys title="API keys"/>
        <SuccessNotice message=notice/>
        <section class="card" aria-labelledby="create-key-heading">
            <h2 id="create-key-heading">"Create a key"</h2>
            <p class="muted">
                "A key lets clinic software, a rescue database or a partner website use Warren's API "
                "on behalf of this organization. Give each integration its own key."
            </p>
            <CreateKeyForm organization=id reload/>
        </section>
        <section class="card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Keys"</h2>
            <Loaded resource=keys label="Loading keys…" let:list>
                <ListTable
                    is_empty=list.items.is_empty()
                    empty="No API keys yet."
                    headings=&["Name", "Prefix", "Scopes", "Created", "Last used", "Status"]
                >
                    {list.items.into_iter().map(|key| view! { <KeyRow key notice reload/> }).collect_view()}
                </ListTable>
            </Loaded>
        </section>
    }
}

/// One key; live keys can be revoked.
#[component]
fn KeyRow(key: ApiKey, notice: RwSignal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let organization = key.organization_id;
    let id = key.id;
    let name = key.name.clone();
    let revoke =
        Action::new_local(
            move |()| async move { session.api().revoke_api_key(organization, id).await },
        );
    let revoked_name = name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            notice.set(Some(format!(
                "The key \u{201c}{revoked_name}\u{201d} was revoked."
            )));
            reload.run(());
        }
    });
    let error = Signal::derive(move || error_of(revoke.value().get()));
    let pending = revoke.pending();
    let scopes = key
        .scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-testid="api-key-row" data-key-id=id.to_string() class:revoked=key.revoked_at.is_some()>
            <th scope="row">{name.clone()}</th>
            <td>
                <code>{key.prefix}</code>
            </td>
            <td>{scopes}</td>
            <td>{local_time::date_time(key.created_at)}</td>
            <td>{key.last_used_at.map(local_time::date_time).unwrap_or_else(|| "never".into())}</td>
            <td class="actions">
                <ErrorAlert error/>
                {match key.revoked_at {
                    Some(at) => {
                        view! {
                            <span class="badge badge-suspended">
                                "revoked " {local_time::date(at)}
                            </span>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <span class="badge badge-vetted">"active"</span>
                            " "
                            <ConfirmButton
                                label="Revoke"
                                confirm_label="Yes, revoke"
                                question=format!("Revoke \u{201c}{name}\u{201d}? Integrations using it stop working.")
                                pending
                                on_confirm=Callback::new(move |()| {
                                    revoke.dispatch(());
                                })
                            />
                        }
                            .into_any()
                    }
                }}
            </td>
        </tr>
    }
}

/// Name and scopes; after creating, the secret shown once.
#[component]
fn CreateKeyForm(organization: Uuid, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let scopes = ApiScope::ALL.map(|scope| (scope, RwSignal::new(scope == ApiScope::Read)));
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();

    let create = Action::new_local(move |request: &CreateApiKeyRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let answer: Result<CreatedApiKey, ClientError> = session
                .api()
                .create_api_key(organization, &request, Some(&key))
                .await;
            match &answer {
                Ok(_) => {
                    submission.finish();
                    name.set(String::new());
                    reload.run(());
                }
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let pending = create.pending();
    let error = Signal::derive(move || error_of(create.value().get()));
    let created = Signal::derive(move || create.value().get().and_then(Result::ok));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let chosen: Vec<ApiScope> = scopes
            .iter()
            .filter(|(_, checked)| checked.get_untracked())
            .map(|(scope, _)| *scope)
            .collect();
        if chosen.is_empty() {
            errors.add("scopes", "choose at least one scope");
        }
        let key_name = errors.check("name", ApiKeyName::parse(name.get_untracked()));
        if let (Some(key_name), false) = (key_name, chosen.is_empty()) {
            create.dispatch(CreateApiKeyRequest {
                name: key_name,
                scopes: chosen,
            });
        }
    };
    let scopes_error = errors.of("scopes");
    let origin = session.origin();

    view! {
        <ErrorAlert error/>
        {move || {
            let origin = origin.clone();
            created
                .get()
                .map(move |created| {
                    let example = format!(
                        "curl -H \"{API_KEY_HEADER}: {}\" {origin}/api/v1/me",
                        created.secret
                    );
                    view! {
                        <div class="secret-box" role="status" data-testid="api-key-created">
                            <p>
                                <strong>"Key \u{201c}" {created.api_key.name.clone()} "\u{201d} created."</strong>
                            </p>
                            <p class="warning-text">
                                "Copy the secret now: it cannot be shown again. "
                                "If it is lost, revoke the key and create a new one."
                            </p>
                            <CopyBox id="api-key-secret" label="Secret" value=created.secret/>
                            <p>"Try it:"</p>
                            <pre class="code-example"><code data-testid="api-key-example">{example}</code></pre>
                        </div>
                    }
                })
        }}
        <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            <TextField
                id="api-key-name"
                label="Name"
                value=name
                hint="Where the key is used, e.g. \u{201c}Practice software\u{201d}."
                required=true
                error=errors.of("name")
            />
            <fieldset class="checkboxes" aria-describedby="scopes-error">
                <legend>"Scopes"</legend>
                {scopes
                    .into_iter()
                    .map(|(scope, checked)| {
                        let id = format!("scope-{}", scope.as_str());
                        view! {
                            <div class="checkbox">
                                <input id=id.clone() type="checkbox" value=scope.as_str() bind:checked=checked/>
                                <label for=id>{scope_description(scope)}</label>
                            </div>
                        }
                    })
                    .collect_view()}
                {move || scopes_error.get().map(|error| view! { <p class="field-error" id="scopes-error">{error}</p> })}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Create key"
                </button>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Creating"></span>
                </Show>
            </div>
        </form>
    }
}
