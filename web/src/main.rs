//! Starts Warren's browser app: replaces the loading placeholder with [`warren_web::App`].

fn main() {
    warren_web::start();
}
