//! `/organizations/:id/members`: members and their roles, invitations, and
//! the form to invite someone.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::{Email, Role};
use warren_wire::{
    ChangeRoleRequest, CreateInvitationRequest, CreatedInvitation, Invitation, InvitationStatus,
    Member,
};

use crate::components::{
    ConfirmButton, CopyBox, ErrorAlert, FieldErrors, InvitationBadge, ListTable, Loaded, OrgHeader,
    OrgTab, RequireSignIn, SuccessNotice, TextField, error_of,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The members and invitations page.
#[component]
pub fn MembersPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <MembersAndInvitations id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

/// The roles the signed-in person may hand out: only network admins grant
/// `network_admin`.
fn grantable_roles(is_network_admin: bool) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|role| is_network_admin || *role != Role::NetworkAdmin)
        .collect()
}

#[component]
fn MembersAndInvitations(id: Uuid) -> impl IntoView {
    let session = use_session();
    let notice = RwSignal::new(None::<String>);
    let members = LocalResource::new(move || async move { session.api().members(id).await });
    let invitations =
        LocalResource::new(move || async move { session.api().invitations(id).await });
    let reload_members = Callback::new(move |()| members.refetch());
    let reload_invitations = Callback::new(move |()| invitations.refetch());

    view! {
        <OrgHeader organization=id current=OrgTab::Members title="Members & invitations"/>
        <SuccessNotice message=notice/>
        <section class="card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <Loaded resource=members label="Loading members…" let:list>
                <ListTable
                    is_empty=list.items.is_empty()
                    empty="No members."
                    headings=&["Name", "E-mail", "Role", "Joined", "Remove"]
                >
                    {list
                        .items
                        .into_iter()
                        .map(|member| view! { <MemberRow organization=id member notice reload=reload_members/> })
                        .collect_view()}
                </ListTable>
            </Loaded>
        </section>
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <InviteForm organization=id reload=reload_invitations/>
        </section>
        <section class="card" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">"Invitations"</h2>
            <Loaded resource=invitations label="Loading invitations…" let:list>
                <ListTable
                    is_empty=list.items.is_empty()
                    empty="No invitations sent yet."
                    headings=&["E-mail", "Role", "Status", "Sent", "Expires", "Revoke"]
                >
                    {list
                        .items
                        .into_iter()
                        .map(|invitation| view! { <InvitationRow invitation notice reload=reload_invitations/> })
                        .collect_view()}
                </ListTable>
            </Loaded>
        </section>
    }
}

/// One member: role select and remove button.
#[component]
fn MemberRow(
    organization: Uuid,
    member: Member,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let user = member.user.id;
    let name = member.user.name.clone();
    let role = RwSignal::new(member.role);
    let is_me = untrack(|| session.me())
        .and_then(|me| me.user)
        .is_some_and(|me| me.id == user);

    let change_role = Action::new_local(move |new_role: &Role| {
        let change = ChangeRoleRequest { role: *new_role };
        {
            let change = change.clone();
            async move { session.api().change_role(organization, user, &change).await }
        }
    });
    let role_name = name.clone();
    Effect::new(move |_| match change_role.value().get() {
        Some(Ok(changed)) => {
            role.set(changed.role);
            notice.set(Some(format!(
                "{role_name} is now {}.",
                changed.role.label()
            )));
        }
        // Put the select back to the role the server still holds.
        Some(Err(_)) => role.set(role.get_untracked()),
        None => {}
    });
    let remove = Action::new_local(move |()| async move {
        session.api().remove_member(organization, user).await
    });
    let removed_name = name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            notice.set(Some(format!("{removed_name} was removed.")));
            reload.run(());
        }
    });
    let error = Signal::derive(move || {
        error_of(remove.value().get()).or_else(|| error_of(change_role.value().get()))
    });
    let pending = Signal::derive(move || change_role.pending().get() || remove.pending().get());
    let select_id = format!("role-{user}");
    let grantable = grantable_roles(untrack(|| session.is_network_admin()));

    view! {
        <tr data-testid="member-row" data-user-id=user.to_string()>
            <th scope="row">{name.clone()}</th>
            <td>{member.user.email}</td>
            <td>
                <label for=select_id.clone() class="visually-hidden">
                    {format!("Role of {name}")}
                </label>
                <select
                    id=select_id
                    class="role-select"
                    disabled=move || pending.get()
                    on:change=move |event| {
                        if let Some(new_role) = Role::parse(&event_target_value(&event)) {
                            change_role.dispatch(new_role);
                        }
                    }
                >
                    {grantable
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option value=option.as_str() prop:selected=move || role.get() == option>
                                    {option.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </td>
            <td>{local_time::date(member.joined_at)}</td>
            <td class="actions">
                <ErrorAlert error/>
                {(!is_me)
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="Remove"
                                confirm_label="Yes, remove"
                                question=format!("Remove {name}?")
                                pending
                                on_confirm=Callback::new(move |()| {
                                    remove.dispatch(());
                                })
                            />
                        }
                    })}
            </td>
        </tr>
    }
}

/// One invitation; pending ones can be revoked.
#[component]
fn InvitationRow(
    invitation: Invitation,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let organization = invitation.organization_id;
    let id = invitation.id;
    let email = invitation.email.clone();
    let revoke = Action::new_local(move |()| async move {
        session.api().revoke_invitation(organization, id).await
    });
    let revoked_email = email.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            notice.set(Some(format!(
                "The invitation for {revoked_email} was revoked."
            )));
            reload.run(());
        }
    });
    let error = Signal::derive(move || error_of(revoke.value().get()));
    let pending = revoke.pending();
    view! {
        <tr data-testid="invitation-row" data-status=format!("{:?}", invitation.status).to_lowercase()>
            <th scope="row">{email.clone()}</th>
            <td>{invitation.role.label()}</td>
            <td>
                <InvitationBadge status=invitation.status/>
            </td>
            <td>{local_time::date_time(invitation.created_at)}</td>
            <td>{local_time::date_time(invitation.expires_at)}</td>
            <td class="actions">
                <ErrorAlert error/>
                {(invitation.status == InvitationStatus::Pending)
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="Revoke"
                                confirm_label="Yes, revoke"
                                question=format!("Revoke the invitation for {email}?")
                                pending
                                on_confirm=Callback::new(move |()| {
                                    revoke.dispatch(());
                                })
                            />
                        }
                    })}
            </td>
        </tr>
    }
}

/// E-mail and role; after sending (Warren e-mails the link), the accept
/// link shown once.
#[component]
fn InviteForm(organization: Uuid, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Clinician);
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();

    let invite = Action::new_local(move |request: &CreateInvitationRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let answer: Result<CreatedInvitation, ClientError> = session
                .api()
                .invite(organization, &request, Some(&key))
                .await;
            match &answer {
                Ok(_) => {
                    submission.finish();
                    email.set(String::new());
                    reload.run(());
                }
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let pending = invite.pending();
    let error = Signal::derive(move || error_of(invite.value().get()));
    let created = Signal::derive(move || invite.value().get().and_then(Result::ok));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(address) = errors.check("email", Email::parse(email.get_untracked())) {
            invite.dispatch(CreateInvitationRequest {
                email: address,
                role: role.get_untracked(),
            });
        }
    };
    let grantable = grantable_roles(untrack(|| session.is_network_admin()));

    view! {
        <ErrorAlert error/>
        {move || {
            created
                .get()
                .map(|created| {
                    view! {
                        <div class="secret-box" data-testid="invitation-created">
                            <p>
                                <strong>"We e-mailed the link to " {created.invitation.email.clone()} "."</strong>
                                " If it does not arrive, send them this link another way; it is shown only now."
                            </p>
                            <CopyBox id="accept-url" label="Invitation link" value=created.accept_url/>
                        </div>
                    }
                })
        }}
        <form class="inline-fields" novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            <TextField
                id="invite-email"
                label="E-mail address"
                value=email
                input_type="email"
                required=true
                error=errors.of("email")
            />
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select
                    id="invite-role"
                    on:change=move |event| {
                        if let Some(chosen) = Role::parse(&event_target_value(&event)) {
                            role.set(chosen);
                        }
                    }
                >
                    {grantable
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option value=option.as_str() prop:selected=move || role.get() == option>
                                    {option.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Send invitation"
                </button>
            </div>
        </form>
    }
}
