//! Catalogers (which packages an image holds) and SBOM writers.
