//! Command-line administration: the first network admin.

use warren_domain::{
    Email, MembershipStatus, OrgName, OrganizationKind, Password, PersonName, Role,
};
use warren_store::Store;
use warren_store::accounts;
use warren_store::audit::{self, Actor, Change};
use warren_store::organizations::{self, NewOrganization};

use crate::auth::hash_password;
use crate::error::ApiError;
use warren_wire::ErrorCode;

/// Creates a network admin as a member of the coordinating organization
/// `organization` (created, vetted, if no organization has that name).
pub fn create_network_admin(
    store: &Store,
    email: &str,
    name: &str,
    password: &str,
    organization: &str,
) -> Result<(), ApiError> {
    let email =
        Email::parse(email).map_err(|error| ApiError::invalid_field("email", error.to_string()))?;
    let name = PersonName::parse(name)
        .map_err(|error| ApiError::invalid_field("name", error.to_string()))?;
    let password = Password::parse(password)
        .map_err(|error| ApiError::invalid_field("password", error.to_string()))?;
    let organization = OrgName::parse(organization)
        .map_err(|error| ApiError::invalid_field("organization", error.to_string()))?;
    let hash = hash_password(password.as_str())?;
    store.write(|connection| {
        let existing = organizations::find_by_name(connection, organization.as_str())?;
        let office = match existing {
            Some(office) => office,
            None => organizations::insert(
                connection,
                &NewOrganization {
                    name: organization.as_str(),
                    kind: OrganizationKind::Hotline,
                    membership: MembershipStatus::Vetted,
                    website: None,
                    description: Some(
                        "Coordinates the care network: vets members, keeps the directory true.",
                    ),
                },
            )?,
        };
        let user = accounts::insert_user(connection, email.as_str(), name.as_str(), &hash)
            .map_err(|error| match error {
                warren_store::StoreError::Conflict(_) => ApiError::conflict(
                    ErrorCode::EmailTaken,
                    "An account with this e-mail address exists already.",
                ),
                other => other.into(),
            })?;
        // The operator creating the account vouches for its address.
        accounts::confirm_email(connection, &user.id, warren_store::now())?;
        let office_id = office.id.to_string();
        accounts::add_membership(connection, &user.id, &office_id, Role::NetworkAdmin)?;
        audit::record(
            connection,
            &Actor::system("warren admin create"),
            Change {
                action: "user.network_admin_created",
                target_type: "user",
                target_id: &user.id,
                organization_id: Some(&office_id),
                details: serde_json::json!({ "email": user.email }),
            },
        )?;
        Ok(())
    })
}
