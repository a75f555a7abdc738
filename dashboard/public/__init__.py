"""Public accountability (/publico, /publico/meta/<codigo>): validated figures for citizens."""
