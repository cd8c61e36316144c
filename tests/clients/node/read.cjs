// Reads JSON-stat documents with the reference toolkit and prints what it makes of them.
// Usage: node read.cjs file.json [...]; prints one JSON array, an entry per file, in order.
"use strict";
const fs = require("fs");
const JSONstat = require("jsonstat-toolkit");

const out = process.argv.slice(2).map((path) => {
  const ds = JSONstat(JSON.parse(fs.readFileSync(path, "utf8"))).Dataset(0);
  if (ds === null || ds.class !== "dataset") return { error: "not a dataset" };
  const dimensions = {};
  for (const id of ds.id) {
    const dim = ds.Dimension(id);
    dimensions[id] = {
      label: dim.label,
      role: dim.role,
      categories: dim.id.map((c) => {
        const cat = dim.Category(c);
        return { id: c, label: cat.label, unit: cat.unit };
      }),
    };
  }
  return {
    version: JSONstat("version"),
    label: ds.label,
    link: ds.link,
    href: ds.href,
    note: ds.note,
    role: ds.role,
    dimensions,
    // Ids so that rows can be matched with the JSON answer; labels checked through dimensions.
    extension: ds.extension,
    rows: ds.toTable({ type: "arrobj", content: "id", status: true }),
  };
});
process.stdout.write(JSON.stringify(out));
