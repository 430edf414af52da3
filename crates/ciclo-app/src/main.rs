//! The page binary: panic hook, logger, mount.

fn main() {
    ciclo_app::start();
}
