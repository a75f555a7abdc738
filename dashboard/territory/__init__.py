"""The territory: the map (/mapa), a region (/region/<codigo>) and convergence (/convergencia)."""
