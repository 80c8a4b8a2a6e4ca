"""Keys and certificates of the deployment (root, one signing certificate per issuing office),
office seal images, and the PAdES signature that makes an issued opinion verifiable (验真)."""
