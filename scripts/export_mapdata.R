# Dump the polygon rings of the R package 'mapdata' that jalert-sim's data are
# built from, as plain CSV, so that the rest of the build is Python.
#
# Usage:  Rscript scripts/export_mapdata.R OUTDIR
# Writes: OUTDIR/japan_rings.csv      (database "japan": 47 prefectures)
#         OUTDIR/world_rings.csv      (database "worldHires", polygons that
#                                      touch 100-180 E, 0-62 N)
#         OUTDIR/versions.txt         (R, maps and mapdata versions)
# Columns: ring (1-based ring number), name (the database's name for the ring,
# e.g. "Hokkaido:2"), lon, lat (degrees, the package's WGS84-like lon/lat).
#
# Needs: r-base-core r-cran-maps r-cran-mapdata (Debian). R is only needed to
# rebuild the data, never by the product or its tests.

suppressPackageStartupMessages({
  library(maps)
  library(mapdata)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript scripts/export_mapdata.R OUTDIR")
outdir <- args[[1]]
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

# maps::map returns x, y with NA between rings and one name per ring.
dump_rings <- function(m, path) {
  breaks <- is.na(m$x)
  ring <- cumsum(breaks) + 1L
  keep <- !breaks
  ring <- ring[keep]
  if (max(ring) != length(m$names)) stop("ring count does not match names in ", path)
  out <- data.frame(
    ring = ring,
    name = m$names[ring],
    lon = sprintf("%.6f", m$x[keep]),
    lat = sprintf("%.6f", m$y[keep])
  )
  write.csv(out, path, row.names = FALSE, quote = TRUE)
  cat(sprintf("%s: %d rings, %d vertices\n", path, length(m$names), nrow(out)))
}

dump_rings(map("japan", fill = TRUE, plot = FALSE), file.path(outdir, "japan_rings.csv"))
dump_rings(
  map("worldHires", xlim = c(100, 180), ylim = c(0, 62), fill = TRUE, plot = FALSE),
  file.path(outdir, "world_rings.csv")
)

writeLines(c(
  R.version.string,
  paste("maps", as.character(packageVersion("maps"))),
  paste("mapdata", as.character(packageVersion("mapdata")))
), file.path(outdir, "versions.txt"))
