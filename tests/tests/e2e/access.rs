//! Who sees what: each private read as anonymous, member, member of another
//! organization, org admin and network admin.

use reqwest::Method;
use warren_tests::*;

/// The answers expected for one route, in the order
/// anonymous, staff member, other organization's admin, org admin, network admin.
struct Expect {
    path: String,
    statuses: [u16; 5],
}

warren_tests::on_both_databases! {
    async fn private_data_is_visible_only_to_members_and_network_admins(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Matrix Vets", "mat@matrix.test").await;
        let (_, stranger) = app.vetted(&coordinator, "Stranger Vets", "str@stranger.test").await;
        let staff = app.member(&clinic_admin, clinic, "sta@matrix.test", Role::Staff).await;
        let callers = [app.client.clone(), staff, stranger, clinic_admin, coordinator];
        let routes = [
            Expect { path: format!("/api/v1/organizations/{clinic}"), statuses: [401, 200, 404, 200, 200] },
            Expect { path: format!("/api/v1/organizations/{clinic}/members"), statuses: [401, 200, 404, 200, 200] },
            Expect { path: format!("/api/v1/organizations/{clinic}/invitations"), statuses: [401, 403, 404, 200, 200] },
            Expect { path: format!("/api/v1/organizations/{clinic}/api-keys"), statuses: [401, 403, 404, 200, 200] },
            Expect { path: format!("/api/v1/audit-log?organization_id={clinic}"), statuses: [401, 403, 404, 200, 200] },
            Expect { path: format!("/api/v1/organizations/{}", uuid::Uuid::new_v4()), statuses: [401, 404, 404, 404, 404] },
        ];
        for route in &routes {
            for (caller, expected) in callers.iter().zip(route.statuses) {
                let response = caller.request(Method::GET, &route.path).send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                assert_eq!(status, expected, "GET {} answered {status}: {body}", route.path);
                if status >= 400 {
                    let problem: warren_wire::Problem = serde_json::from_str(&body).expect("problem details");
                    assert_eq!(problem.status, status);
                }
            }
        }
        // Lists show only one's own organizations, unless one coordinates the network.
        let seen = callers[1].organizations(&Default::default()).await.unwrap();
        assert_eq!(seen.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![clinic]);
        let all = callers[4].organizations(&Default::default()).await.unwrap();
        assert_eq!(all.items.len(), 3);
    }

    async fn a_member_cannot_change_another_organization(app) {
        let coordinator = app.network_admin().await;
        let (clinic, _) = app.vetted(&coordinator, "Target Vets", "tar@target.test").await;
        let (_, intruder) = app.vetted(&coordinator, "Intruder Vets", "int@intruder.test").await;
        let before = coordinator.organization(clinic).await.unwrap();
        let attempts = [
            (Method::PATCH, format!("/api/v1/organizations/{clinic}"), serde_json::json!({ "name": "Taken Over" })),
            (Method::POST, format!("/api/v1/organizations/{clinic}/invitations"), serde_json::json!({ "email": "spy@intruder.test", "role": "org_admin" })),
            (Method::POST, format!("/api/v1/organizations/{clinic}/api-keys"), serde_json::json!({ "name": "spy", "scopes": ["write"] })),
            (Method::POST, format!("/api/v1/organizations/{clinic}/membership"), serde_json::json!({ "membership": "suspended", "reason": "spite" })),
        ];
        for (method, path, body) in attempts {
            let response = intruder
                .request(method.clone(), &path)
                .header("If-Match", &before.etag)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 404, "{method} {path}");
        }
        let after = coordinator.organization(clinic).await.unwrap();
        assert_eq!(after, before, "nothing changed");
        assert!(coordinator.invitations(clinic).await.unwrap().items.is_empty());
        assert!(coordinator.api_keys(clinic).await.unwrap().items.is_empty());
    }
}
