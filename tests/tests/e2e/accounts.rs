//! Applying, vetting, members, invitations, API keys and the audit trail.

use warren_client::ClientError;
use warren_tests::*;
use warren_wire::*;

fn status(error: ClientError) -> u16 {
    error.status().unwrap_or(0)
}

warren_tests::on_both_databases! {
    async fn a_new_organization_is_vetted_and_its_admin_calls_me_with_an_api_key(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.apply("Burrow Lane Vets", "ada@burrow.test").await;

        let queue = coordinator
            .organizations(&OrganizationQuery { membership: Some(MembershipStatus::Applied), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(queue.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![clinic]);

        // Until vetted, the organization cannot create keys.
        let refused = clinic_admin
            .create_api_key(clinic, &CreateApiKeyRequest { name: ApiKeyName::parse("Clinic PMS").unwrap(), scopes: vec![ApiScope::Read] }, None)
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Some("organization_not_vetted"));

        let read = coordinator.organization(clinic).await.unwrap();
        let vetted = coordinator
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Vetted, reason: None }, &read.etag)
            .await
            .unwrap();
        assert_eq!(vetted.value.membership, MembershipStatus::Vetted);
        assert_ne!(vetted.etag, read.etag);

        let key = clinic_admin
            .create_api_key(clinic, &CreateApiKeyRequest { name: ApiKeyName::parse("Clinic PMS").unwrap(), scopes: vec![ApiScope::Read] }, None)
            .await
            .unwrap();
        assert!(key.secret.starts_with(&key.api_key.prefix));
        let me = app.client.with_api_key(&key.secret).me().await.unwrap().value;
        assert_eq!(me.kind, PrincipalKind::ApiKey);
        assert_eq!(me.memberships[0].organization.id, clinic);
        let listed = clinic_admin.api_keys(clinic).await.unwrap();
        assert!(listed.items[0].last_used_at.is_some(), "last use is recorded");

        let trail = coordinator
            .audit_log(&AuditQuery { organization_id: Some(clinic), ..Default::default() })
            .await
            .unwrap();
        let actions: Vec<&str> = trail.items.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["organization.applied", "organization.vetted", "api_key.created"]);
        assert!(trail.items.iter().all(|entry| entry.request_id.is_some()));
        let own = clinic_admin.audit_log(&AuditQuery::default()).await.unwrap();
        assert_eq!(own.items.len(), 3, "the org admin reads its organization's trail");
    }

    async fn a_retried_application_creates_one_organization(app) {
        let coordinator = app.network_admin().await;
        let request = application("Hedgerow Rescue", "kim@hedgerow.test");
        let first = app.client.apply(&request, Some("retry-1")).await.unwrap();
        let second = app.client.apply(&request, Some("retry-1")).await.unwrap();
        assert_eq!(first, second);
        let all = coordinator.organizations(&OrganizationQuery { q: Some("hedgerow".into()), ..Default::default() }).await.unwrap();
        assert_eq!(all.items.len(), 1);

        let other = application("Other Rescue", "lee@other.test");
        let reused = app.client.apply(&other, Some("retry-1")).await.unwrap_err();
        assert_eq!(status(reused), 422);
    }

    async fn concurrent_retries_of_one_application_create_one_organization(app) {
        let coordinator = app.network_admin().await;
        let request = application("Parallel Paws", "pat@parallel.test");
        let attempts = (0..6).map(|_| {
            let client = app.client.clone();
            let request = request.clone();
            tokio::spawn(async move { client.apply(&request, Some("same-key")).await })
        });
        let mut ids = Vec::new();
        for attempt in attempts {
            ids.push(attempt.await.unwrap().unwrap().organization.id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "every retry answers the same organization");
        let all = coordinator.organizations(&OrganizationQuery { q: Some("parallel".into()), ..Default::default() }).await.unwrap();
        assert_eq!(all.items.len(), 1);
    }

    async fn an_application_with_a_taken_email_changes_nothing_and_does_not_say_so(app) {
        let coordinator = app.network_admin().await;
        app.apply("First Clinic", "sam@first.test").await;
        let fresh = app.client.apply(&application("Third Clinic", "noor@third.test"), None).await.unwrap();
        // An outsider cannot tell a taken address from a new one by the answer…
        let taken = app.client.http().post(format!("{}/api/v1/organizations/applications", app.url))
            .json(&application("Second Clinic", "Sam@First.test")).send().await.unwrap();
        assert_eq!(taken.status(), 201);
        let taken: Application = taken.json().await.unwrap();
        assert_eq!(taken.organization.name, "Second Clinic");
        assert_eq!(taken.organization.membership, fresh.organization.membership);
        assert_eq!(taken.admin.email, "sam@first.test");
        assert_eq!(taken.admin.email_confirmed, fresh.admin.email_confirmed);
        // …but nothing was made: no organization, and the ids name nothing.
        let all = coordinator.organizations(&OrganizationQuery::default()).await.unwrap();
        assert!(all.items.iter().all(|o| o.name != "Second Clinic"));
        assert_eq!(status(coordinator.organization(taken.organization.id).await.unwrap_err()), 404);
        // The owner of the address hears of it by e-mail; the password is unchanged.
        let mail = app.store.read(|connection| warren_store::outbox::to_address(connection, "sam@first.test")).unwrap();
        assert!(mail.iter().any(|message| message.subject == "You already have a Warren account"), "{mail:?}");
        app.tokens("sam@first.test", PASSWORD).await;
    }



    async fn a_stale_edit_is_refused_and_nothing_is_lost(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Willow Vets", "wil@willow.test").await;
        let read = clinic_admin.organization(clinic).await.unwrap();
        let change = |name: &str| UpdateOrganizationRequest { name: Some(OrgName::parse(name).unwrap()), ..Default::default() };

        clinic_admin.update_organization(clinic, &change("Willow Exotic Vets"), &read.etag).await.unwrap();
        let stale = clinic_admin.update_organization(clinic, &change("Willow Vets Ltd"), &read.etag).await.unwrap_err();
        assert_eq!(status(stale), 412);
        assert_eq!(clinic_admin.organization(clinic).await.unwrap().value.name, "Willow Exotic Vets");

        let missing = clinic_admin
            .request(reqwest::Method::PATCH, &format!("/api/v1/organizations/{clinic}"))
            .json(&serde_json::json!({ "name": "No If-Match" }))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status().as_u16(), 428);
    }

    async fn concurrent_edits_from_one_version_let_exactly_one_win(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Race Vets", "ray@race.test").await;
        let read = clinic_admin.organization(clinic).await.unwrap();
        let edits = (0..8).map(|n| {
            let client = clinic_admin.clone();
            let etag = read.etag.clone();
            tokio::spawn(async move {
                let change = UpdateOrganizationRequest { name: Some(OrgName::parse(format!("Race Vets {n}")).unwrap()), ..Default::default() };
                client.update_organization(clinic, &change, &etag).await
            })
        });
        let mut won = 0;
        for edit in edits {
            match edit.await.unwrap() {
                Ok(_) => won += 1,
                Err(error) => assert_eq!(status(error), 412),
            }
        }
        assert_eq!(won, 1);
        assert_eq!(clinic_admin.organization(clinic).await.unwrap().value.version, read.value.version + 1);
    }

    async fn membership_follows_its_lifecycle(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Lifecycle Vets", "lif@cycle.test").await;
        let read = coordinator.organization(clinic).await.unwrap();
        let back = coordinator
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Applied, reason: None }, &read.etag)
            .await
            .unwrap_err();
        assert_eq!(back.code(), Some("illegal_transition"));
        let no_reason = coordinator
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Suspended, reason: None }, &read.etag)
            .await
            .unwrap_err();
        assert_eq!(status(no_reason.clone()), 422);
        let ClientError::Problem(problem) = no_reason else { panic!("a problem") };
        assert_eq!(problem.errors[0].field, "reason");

        let suspended = coordinator
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Suspended, reason: Some("Lapsed insurance".into()) }, &read.etag)
            .await
            .unwrap();
        assert_eq!(suspended.value.membership, MembershipStatus::Suspended);
        let self_vetting = clinic_admin
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Vetted, reason: None }, &suspended.etag)
            .await
            .unwrap_err();
        assert_eq!(status(self_vetting), 403, "only network admins vet");
    }

    async fn an_invited_person_joins_and_admins_manage_members(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Invite Vets", "ivy@invite.test").await;
        let created = clinic_admin
            .invite(clinic, &CreateInvitationRequest { email: Email::parse("Nurse@Invite.test").unwrap(), role: Role::Clinician }, Some("invite-1"))
            .await
            .unwrap();
        assert!(created.accept_url.contains(&created.token));
        let preview = app.client.preview_invitation(&created.token).await.unwrap();
        assert_eq!((preview.email.as_str(), preview.role, preview.existing_account), ("nurse@invite.test", Role::Clinician, false));

        let weak = app
            .client
            .accept_invitation(&AcceptInvitationRequest { token: created.token.clone(), name: Some(PersonName::parse("Nia Nurse").unwrap()), password: "short".into() })
            .await
            .unwrap_err();
        assert_eq!(status(weak), 422);
        let accepted = app
            .client
            .accept_invitation(&AcceptInvitationRequest { token: created.token.clone(), name: Some(PersonName::parse("Nia Nurse").unwrap()), password: PASSWORD.into() })
            .await
            .unwrap();
        assert_eq!(accepted.role, Role::Clinician);
        let again = app
            .client
            .accept_invitation(&AcceptInvitationRequest { token: created.token, name: None, password: PASSWORD.into() })
            .await
            .unwrap_err();
        assert_eq!(again.code(), Some("invitation_not_pending"));

        let nurse = app.signed_in("nurse@invite.test").await;
        let members = nurse.members(clinic).await.unwrap();
        assert_eq!(members.items.len(), 2);
        let forbidden = nurse
            .invite(clinic, &CreateInvitationRequest { email: Email::parse("x@invite.test").unwrap(), role: Role::Staff }, None)
            .await
            .unwrap_err();
        assert_eq!(status(forbidden), 403);

        let admin_id = members.items.iter().find(|m| m.role == Role::OrgAdmin).unwrap().user.id;
        let last = clinic_admin.change_role(clinic, admin_id, &ChangeRoleRequest { role: Role::Staff }).await.unwrap_err();
        assert_eq!(last.code(), Some("last_admin"));
        let escalate = clinic_admin.change_role(clinic, accepted.user.id, &ChangeRoleRequest { role: Role::NetworkAdmin }).await.unwrap_err();
        assert_eq!(status(escalate), 403);
        let promoted = clinic_admin.change_role(clinic, accepted.user.id, &ChangeRoleRequest { role: Role::OrgAdmin }).await.unwrap();
        assert_eq!(promoted.role, Role::OrgAdmin);
        clinic_admin.remove_member(clinic, accepted.user.id).await.unwrap();
        assert_eq!(status(nurse.members(clinic).await.unwrap_err()), 404, "a removed member loses access at once");

        let pending = clinic_admin
            .invite(clinic, &CreateInvitationRequest { email: Email::parse("later@invite.test").unwrap(), role: Role::Volunteer }, None)
            .await
            .unwrap();
        clinic_admin.revoke_invitation(clinic, pending.invitation.id).await.unwrap();
        assert_eq!(app.client.preview_invitation(&pending.token).await.unwrap_err().code(), Some("invitation_not_pending"));
        let statuses: Vec<InvitationStatus> = clinic_admin.invitations(clinic).await.unwrap().items.iter().map(|i| i.status).collect();
        assert_eq!(statuses, [InvitationStatus::Revoked, InvitationStatus::Accepted]);
    }

    async fn api_keys_are_scoped_and_revocable(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Key Vets", "kay@key.test").await;
        let (other, _) = app.vetted(&coordinator, "Other Vets", "oli@other.test").await;
        let read_only = clinic_admin
            .create_api_key(clinic, &CreateApiKeyRequest { name: ApiKeyName::parse("Reader").unwrap(), scopes: vec![ApiScope::Read] }, None)
            .await
            .unwrap();
        let key = app.client.with_api_key(&read_only.secret);
        assert_eq!(key.organization(clinic).await.unwrap().value.id, clinic);
        assert_eq!(status(key.organization(other).await.unwrap_err()), 404);
        let etag = key.organization(clinic).await.unwrap().etag;
        let write = key
            .update_organization(clinic, &UpdateOrganizationRequest { name: Some(OrgName::parse("Renamed").unwrap()), ..Default::default() }, &etag)
            .await
            .unwrap_err();
        assert_eq!(status(write), 403, "a read key cannot write");
        assert_eq!(status(key.api_keys(clinic).await.unwrap_err()), 403, "keys do not administer");

        clinic_admin.revoke_api_key(clinic, read_only.api_key.id).await.unwrap();
        assert_eq!(key.me().await.unwrap_err().code(), Some("invalid_api_key"));
        let listed = clinic_admin.api_keys(clinic).await.unwrap();
        assert!(listed.items[0].revoked_at.is_some());
        let empty = clinic_admin
            .create_api_key(clinic, &CreateApiKeyRequest { name: ApiKeyName::parse("None").unwrap(), scopes: vec![] }, None)
            .await
            .unwrap_err();
        assert_eq!(status(empty), 422);

        let live = clinic_admin
            .create_api_key(clinic, &CreateApiKeyRequest { name: ApiKeyName::parse("Live").unwrap(), scopes: vec![ApiScope::Read] }, None)
            .await
            .unwrap();
        let read = coordinator.organization(clinic).await.unwrap();
        coordinator
            .change_membership(clinic, &MembershipChangeRequest { membership: MembershipStatus::Suspended, reason: Some("Audit".into()) }, &read.etag)
            .await
            .unwrap();
        assert_eq!(status(app.client.with_api_key(&live.secret).me().await.unwrap_err()), 403, "a suspended organization's keys stop working");
    }

    async fn a_changed_password_signs_out_other_sessions(app) {
        let coordinator = app.network_admin().await;
        let (_, _) = app.vetted(&coordinator, "Profile Vets", "pro@file.test").await;
        let session = app.tokens("pro@file.test", PASSWORD).await;
        let me = app.client.with_access_token(&session.access_token);
        let read = me.me().await.unwrap();
        let wrong = me
            .update_me(&UpdateMeRequest { new_password: Some(Password::parse("a brand new password").unwrap()), current_password: Some("wrong".into()), ..Default::default() }, &read.etag)
            .await
            .unwrap_err();
        assert_eq!(status(wrong), 422);
        let changed = me
            .update_me(&UpdateMeRequest { name: Some(PersonName::parse("Pro Filer").unwrap()), new_password: Some(Password::parse("a brand new password").unwrap()), current_password: Some(PASSWORD.into()) }, &read.etag)
            .await
            .unwrap();
        assert_eq!(changed.value.user.unwrap().name, "Pro Filer");
        assert_eq!(app.client.refresh(&session.refresh_token).await.unwrap_err().status(), Some(401));
        app.tokens("pro@file.test", "a brand new password").await;
    }
}

warren_tests::on_both_databases! {
    async fn coordinators_see_who_applied_in_the_vetting_queue_and_nobody_else_does(app) {
        let coordinator = app.network_admin().await;
        let (first, applicant) = app.apply("Hedgehog Rescue Bristol", "ann@hedgehogs.test").await;
        let (second, _) = app.apply("Meadow Vets", "mo@meadow.test").await;
        let (vetted, member) = app.vetted(&coordinator, "Severn Partners", "sp@severn.test").await;

        let queue = coordinator
            .pending_applications(&warren_wire::PendingApplicationQuery::default())
            .await
            .unwrap();
        let listed: Vec<_> = queue.items.iter().map(|item| item.organization.id).collect();
        assert_eq!(listed, [first, second], "oldest first, vetted members left out");
        let who = queue.items[0].applicant.clone().expect("the applicant");
        assert_eq!((who.name.as_str(), who.email.as_str()), ("Ada Admin", "ann@hedgehogs.test"));
        assert!(!listed.contains(&vetted));

        // Paged with a cursor.
        let page = coordinator
            .pending_applications(&warren_wire::PendingApplicationQuery { limit: Some(1), cursor: None })
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        let rest = coordinator
            .pending_applications(&warren_wire::PendingApplicationQuery { limit: Some(1), cursor: page.next_cursor })
            .await
            .unwrap();
        assert_eq!(rest.items[0].organization.id, second);

        for outsider in [&applicant, &member] {
            let refused = outsider
                .pending_applications(&warren_wire::PendingApplicationQuery::default())
                .await
                .unwrap_err();
            assert_eq!(refused.status(), Some(403));
        }
        let bad = coordinator
            .pending_applications(&warren_wire::PendingApplicationQuery { limit: None, cursor: Some("nonsense".into()) })
            .await
            .unwrap_err();
        assert_eq!(bad.status(), Some(400));
    }
}

warren_tests::on_both_databases! {
    // Applying is limited per client address (and per e-mail address), so
    // the application form cannot be used to probe many addresses.
    async fn applications_are_limited(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.applications_per_hour = 3).await;
        for n in 0..3 {
            app.client.apply(&application(&format!("Clinic {n}"), &format!("a{n}@many.test")), None).await.unwrap();
        }
        let refused = app.client.http().post(format!("{}/api/v1/organizations/applications", app.url))
            .json(&application("Clinic 3", "a3@many.test")).send().await.unwrap();
        assert_eq!(refused.status(), 429);
        assert!(refused.headers().get("retry-after").is_some());
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(problem["code"], "rate_limited");
    }
}
