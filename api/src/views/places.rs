//! The gazetteer: what a load did.

use warren_store::places::Loaded;
use warren_wire::GazetteerLoadSummary;

/// What a gazetteer load did.
pub fn load_summary(loaded: &Loaded) -> GazetteerLoadSummary {
    GazetteerLoadSummary {
        format: loaded.format,
        countries: loaded.progress.countries.iter().cloned().collect(),
        loaded: loaded.progress.loaded,
        replaced: loaded.progress.replaced,
    }
}
