//! Sites (HSDS locations) of organizations.

use diesel::prelude::*;
use warren_wire::Site;

use crate::schema::sites;
use crate::{DbConnection, StoreResult, new_id, now, parse_id};

/// A site to add.
#[derive(Debug, Clone)]
pub struct NewSite<'a> {
    /// The organization running it.
    pub organization_id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Street address.
    pub address: &'a str,
    /// Town.
    pub town: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Public phone.
    pub phone: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sites)]
struct SiteRow {
    id: String,
    organization_id: String,
    name: String,
    address: String,
    town: String,
    postcode: String,
    latitude: f64,
    longitude: f64,
    phone: Option<String>,
}

/// Adds a site and returns its id.
pub fn insert(connection: &mut DbConnection, site: &NewSite<'_>) -> StoreResult<String> {
    let id = new_id();
    let at = now();
    diesel::insert_into(sites::table)
        .values((
            sites::id.eq(&id),
            sites::organization_id.eq(site.organization_id),
            sites::name.eq(site.name),
            sites::address.eq(site.address),
            sites::town.eq(site.town),
            sites::postcode.eq(site.postcode),
            sites::latitude.eq(site.latitude),
            sites::longitude.eq(site.longitude),
            sites::phone.eq(site.phone),
            sites::created_at.eq(at),
            sites::updated_at.eq(at),
        ))
        .execute(connection)?;
    Ok(id)
}

/// The sites of one organization, by name.
pub fn list_for_organization(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<Site>> {
    sites::table
        .filter(sites::organization_id.eq(organization_id))
        .order((sites::name, sites::id))
        .select(SiteRow::as_select())
        .load::<SiteRow>(connection)?
        .into_iter()
        .map(|row| {
            Ok(Site {
                id: parse_id(&row.id)?,
                organization_id: parse_id(&row.organization_id)?,
                name: row.name,
                address: row.address,
                town: row.town,
                postcode: row.postcode,
                latitude: row.latitude,
                longitude: row.longitude,
                phone: row.phone,
            })
        })
        .collect()
}
