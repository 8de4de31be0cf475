//! The demo network: believable organizations, sites and staff, loaded into
//! an empty database by `warren serve --demo`.

pub mod data;

use warren_domain::{MembershipStatus, OrganizationKind, Role};
use warren_store::accounts;
use warren_store::audit::{self, Actor, Change};
use warren_store::organizations::{self, NewOrganization};
use warren_store::sites::{self, NewSite};
use warren_store::{Store, StoreError};

use crate::auth::hash_password;
use crate::error::ApiError;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "burrow-demo-2026";

/// One demo account per role, to print at start.
pub const DEMO_LOGINS: [(&str, &str); 5] = [
    ("network admin", "coordinator@warren.demo"),
    ("org admin", "admin@harbourside.demo"),
    ("clinician", "vet@harbourside.demo"),
    ("staff", "reception@harbourside.demo"),
    ("volunteer", "volunteer@smallpaws.demo"),
];

/// What loading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// The network was loaded: this many organizations.
    Organizations(usize),
    /// The database already had organizations; nothing was changed.
    AlreadyPopulated,
}

/// Loads the demo network into an empty database, in one transaction.
pub fn load(store: &Store) -> Result<Loaded, ApiError> {
    if store.read(organizations::any)? {
        return Ok(Loaded::AlreadyPopulated);
    }
    // One hash for every demo account: hashing is deliberately slow.
    let password_hash = hash_password(DEMO_PASSWORD)?;
    let actor = Actor::system("demo loader");
    store.write(|connection| {
        for demo in data::ORGANIZATIONS {
            let kind = OrganizationKind::parse(demo.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("demo kind {}", demo.kind)))?;
            let membership = MembershipStatus::parse(demo.membership).ok_or_else(|| {
                StoreError::Corrupt(format!("demo membership {}", demo.membership))
            })?;
            let organization = organizations::insert(
                connection,
                &NewOrganization {
                    name: demo.name,
                    kind,
                    membership,
                    website: demo.website,
                    description: Some(demo.description),
                },
            )?;
            let organization_id = organization.id.to_string();
            for site in demo.sites {
                sites::insert(
                    connection,
                    &NewSite {
                        organization_id: &organization_id,
                        name: site.name,
                        address: site.address,
                        town: site.town,
                        postcode: site.postcode,
                        latitude: site.latitude,
                        longitude: site.longitude,
                        phone: Some(site.phone),
                    },
                )?;
            }
            for person in demo.staff {
                let role = Role::parse(person.role)
                    .ok_or_else(|| StoreError::Corrupt(format!("demo role {}", person.role)))?;
                let user =
                    accounts::insert_user(connection, person.email, person.name, &password_hash)?;
                accounts::add_membership(connection, &user.id, &organization_id, role)?;
            }
        }
        audit::record(
            connection,
            &actor,
            Change {
                action: "demo.loaded",
                target_type: "network",
                target_id: "demo",
                organization_id: None,
                details: serde_json::json!({ "organizations": data::ORGANIZATIONS.len() }),
            },
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(Loaded::Organizations(data::ORGANIZATIONS.len()))
}
