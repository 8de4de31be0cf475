//! `/apply`: an organization applies to join the network, with its first
//! administrator's account.

use leptos::prelude::*;
use leptos_router::components::A;
use warren_client::ClientError;
use warren_domain::{Description, Email, OrgName, OrganizationKind, Password, PersonName, Website};
use warren_wire::{Application, ApplyRequest, NewAccount, NewOrganization};

use crate::components::{
    ErrorAlert, FieldErrors, KindSelect, TextArea, TextField, VETTING_TAKES, VettingSteps, error_of,
};
use crate::idempotency::IdempotencyKey;
use crate::session::use_session;

/// The application form's values, as typed.
#[derive(Clone, Copy)]
struct ApplicationForm {
    name: RwSignal<String>,
    kind: RwSignal<OrganizationKind>,
    website: RwSignal<String>,
    description: RwSignal<String>,
    admin_name: RwSignal<String>,
    admin_email: RwSignal<String>,
    password: RwSignal<String>,
    confirm: RwSignal<String>,
}

impl ApplicationForm {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            kind: RwSignal::new(OrganizationKind::Clinic),
            website: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            admin_name: RwSignal::new(String::new()),
            admin_email: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            confirm: RwSignal::new(String::new()),
        }
    }

    /// The request, checked with the same rules as the server; `None` after
    /// recording every field error.
    fn request(&self, errors: FieldErrors) -> Option<ApplyRequest> {
        errors.clear();
        let optional = |text: String| (!text.trim().is_empty()).then_some(text);
        let name = errors.check(
            "organization.name",
            OrgName::parse(self.name.get_untracked()),
        );
        let website = optional(self.website.get_untracked())
            .map(|website| errors.check("organization.website", Website::parse(website)));
        let description = optional(self.description.get_untracked())
            .map(|text| errors.check("organization.description", Description::parse(text)));
        let admin_name = errors.check(
            "admin.name",
            PersonName::parse(self.admin_name.get_untracked()),
        );
        let email = errors.check(
            "admin.email",
            Email::parse(self.admin_email.get_untracked()),
        );
        let password = errors.check(
            "admin.password",
            Password::parse(self.password.get_untracked()),
        );
        if self.password.get_untracked() != self.confirm.get_untracked() {
            errors.add("confirm_password", "the two passwords differ");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(ApplyRequest {
            organization: NewOrganization {
                name: name?,
                kind: self.kind.get_untracked(),
                website: website.flatten(),
                description: description.flatten(),
            },
            admin: NewAccount {
                name: admin_name?,
                email: email?,
                password: password?,
            },
        })
    }
}

/// The application form, then the confirmation.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let session = use_session();
    let form = ApplicationForm::new();
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();

    let apply = Action::new_local(move |request: &ApplyRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let answer: Result<Application, ClientError> =
                session.client().apply(&request, Some(&key)).await;
            match &answer {
                Ok(_) => submission.finish(),
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let pending = apply.pending();
    let error = Signal::derive(move || error_of(apply.value().get()));
    let received = Signal::derive(move || {
        apply
            .value()
            .get()
            .and_then(Result::ok)
            .map(|application| application.organization.name)
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(request) = form.request(errors) {
            apply.dispatch(request);
        }
    };

    view! {
        <Show
            when=move || received.get().is_none()
            fallback=move || {
                view! {
                    <section class="card narrow" data-testid="application-received">
                        <div class="alert alert-success" role="status">
                            <p>
                                <strong>"Application received — a network coordinator will vet it."</strong>
                            </p>
                            <p>
                                {move || received.get().unwrap_or_default()}
                                " is now waiting in the vetting queue. You can sign in already; "
                                "the network's shared services open up once it is vetted, "
                                {VETTING_TAKES} "."
                            </p>
                        </div>
                        <h2>"What happens next"</h2>
                        <VettingSteps/>
                        <a href="/sign-in" class="button primary">
                            "Sign in"
                        </a>
                    </section>
                }
            }
        >
            <section class="card">
                <h1>"Apply to join the network"</h1>
                <p class="lead">
                    "Clinics, emergency hospitals, specialist centres, rescues, shelters, wildlife "
                    "rehabilitators and teaching hospitals can join. A network coordinator checks each "
                    "application before the organization becomes a member."
                </p>
                <ErrorAlert error/>
                <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
                    <fieldset>
                        <legend>"Your organization"</legend>
                        <TextField
                            id="organization-name"
                            label="Organization name"
                            value=form.name
                            autocomplete="organization"
                            required=true
                            error=errors.of("organization.name")
                        />
                        <KindSelect id="organization-kind" value=form.kind/>
                        <TextField
                            id="organization-website"
                            label="Website"
                            value=form.website
                            input_type="url"
                            autocomplete="url"
                            hint="Optional. For example https://burrow-vets.example"
                            error=errors.of("organization.website")
                        />
                        <TextArea
                            id="organization-description"
                            label="What you do"
                            value=form.description
                            hint="Optional, up to 2,000 characters: species, services, opening times."
                            error=errors.of("organization.description")
                        />
                    </fieldset>
                    <fieldset>
                        <legend>"Your administrator account"</legend>
                        <TextField
                            id="admin-name"
                            label="Your name"
                            value=form.admin_name
                            autocomplete="name"
                            required=true
                            error=errors.of("admin.name")
                        />
                        <TextField
                            id="admin-email"
                            label="Your e-mail address"
                            value=form.admin_email
                            input_type="email"
                            autocomplete="email"
                            required=true
                            error=errors.of("admin.email")
                        />
                        <TextField
                            id="admin-password"
                            label="Password"
                            value=form.password
                            input_type="password"
                            autocomplete="new-password"
                            hint="12 to 128 characters."
                            required=true
                            error=errors.of("admin.password")
                        />
                        <TextField
                            id="admin-password-confirm"
                            label="Password again"
                            value=form.confirm
                            input_type="password"
                            autocomplete="new-password"
                            required=true
                            error=errors.of("confirm_password")
                        />
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            "Send application"
                        </button>
                        <Show when=move || pending.get()>
                            <span class="spinner" role="status" aria-label="Sending"></span>
                        </Show>
                    </div>
                </form>
                <p class="muted">
                    "Already a member? " <A href="/sign-in">"Sign in"</A>
                </p>
            </section>
        </Show>
    }
}
