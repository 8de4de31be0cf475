//! The HSDS 3.0 documents Warren publishes, as they go on the wire.
//!
//! Optional fields are left out when empty; nested arrays appear only in
//! fully nested answers (the `nested` parts, flattened into their parent).

use serde::Serialize;
use uuid::Uuid;

/// `GET /`: what this API is.
#[derive(Debug, Serialize)]
pub struct About {
    pub version: &'static str,
    pub profile: &'static str,
    pub openapi_url: String,
}

/// One page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

/// An HSDS `organization`: one vetted organization.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(flatten)]
    pub nested: Option<OrganizationNested>,
}

/// What a nested organization adds: its locations, services, kind and history.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationNested {
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
    pub attributes: Vec<Attribute>,
    pub metadata: Vec<Metadata>,
}

/// An HSDS `service`: the care one site offers.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_process: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fees_description: Option<String>,
    pub eligibility_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    pub last_modified: String,
    #[serde(flatten)]
    pub nested: Option<ServiceNested>,
}

/// A service as `minimal=true` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MinimalService {
    pub id: Uuid,
    pub name: String,
    pub status: &'static str,
    pub last_modified: String,
}

impl From<Service> for MinimalService {
    fn from(service: Service) -> Self {
        Self {
            id: service.id,
            name: service.name,
            status: service.status,
            last_modified: service.last_modified,
        }
    }
}

/// An entry of `/services`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Listed {
    /// With `minimal=true`.
    Minimal(MinimalService),
    /// Otherwise.
    Service(Box<Service>),
}

/// What a nested service adds.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceNested {
    pub phones: Vec<Phone>,
    pub schedules: Vec<Schedule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_at_locations: Option<Vec<ServiceAtLocation>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Box<HsdsOrganization>>,
    pub attributes: Vec<Attribute>,
    pub metadata: Vec<Metadata>,
}

/// An HSDS `location`: one site.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub id: Uuid,
    pub location_type: &'static str,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    pub latitude: f64,
    pub longitude: f64,
    #[serde(flatten)]
    pub nested: Option<LocationNested>,
}

/// What a nested location adds.
#[derive(Debug, Clone, Serialize)]
pub struct LocationNested {
    pub addresses: Vec<Address>,
    pub phones: Vec<Phone>,
    pub schedules: Vec<Schedule>,
    pub metadata: Vec<Metadata>,
}

/// An HSDS `service_at_location`: a site's service joined to the site.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
}

/// An HSDS `address` of a location.
#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub id: Uuid,
    pub location_id: Uuid,
    pub address_1: String,
    pub city: String,
    // Required by HSDS 3.0 but a US notion; Warren's sites have none.
    pub state_province: String,
    pub postal_code: String,
    pub country: String,
    pub address_type: &'static str,
}

/// An HSDS `phone` of a service (and of its location for the public line).
#[derive(Debug, Clone, Serialize)]
pub struct Phone {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_id: Option<Uuid>,
    pub service_id: Uuid,
    pub number: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: String,
}

/// An HSDS `schedule`: one weekly interval of a site's opening hours.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freq: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wkst: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    pub description: String,
    pub notes: String,
}

/// An HSDS `attribute`: a taxonomy term attached to a service or organization.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: Uuid,
    pub link_id: Uuid,
    pub link_type: &'static str,
    pub link_entity: &'static str,
    pub taxonomy_term_id: Uuid,
    pub taxonomy_term: TaxonomyTerm,
}

/// An HSDS `taxonomy_term`.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyTerm {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    pub taxonomy: &'static str,
    pub taxonomy_id: Uuid,
    pub language: &'static str,
    pub taxonomy_detail: HsdsTaxonomy,
}

/// An HSDS `taxonomy`.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsTaxonomy {
    pub id: Uuid,
    pub name: &'static str,
    pub description: &'static str,
}

/// An HSDS `metadata` change record.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub resource_type: &'static str,
    pub last_action_date: String,
    pub last_action_type: &'static str,
    pub field_name: String,
    pub previous_value: String,
    pub replacement_value: String,
    pub updated_by: String,
}
