// SPDX-License-Identifier: GPL-2.0-only
// node validate.mjs FILE...: every Kubernetes object in the YAML files (multi-document) checked
// against the OpenAPI schema of its apiVersion/kind as published by Kubernetes, compiled into
// the npm package kubernetes-models (types, required fields, enums, formats; like kubeconform
// without -strict, unknown fields are not reported), plus what only the API server would catch:
// volumeMounts naming a volume the pod does not have, duplicate container or port names.
// Kustomization files: every resource they list exists. Prints one line per object; exit 1 on
// the first invalid file.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

let bad = 0;

function podChecks(spec, where) {
  const vols = new Set((spec.volumes || []).map((v) => v.name));
  const names = new Set();
  for (const c of [...(spec.initContainers || []), ...(spec.containers || [])]) {
    if (names.has(c.name)) throw new Error(`${where}: container name '${c.name}' repeated`);
    names.add(c.name);
    const ports = new Set();
    for (const p of c.ports || []) {
      if (p.name && ports.has(p.name)) throw new Error(`${where}: port name '${p.name}' repeated`);
      ports.add(p.name);
    }
    for (const m of c.volumeMounts || [])
      if (!vols.has(m.name))
        throw new Error(`${where}: container '${c.name}' mounts volume '${m.name}' that the pod lacks`);
  }
}

for (const file of process.argv.slice(2)) {
  try {
    const docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d);
    for (const doc of docs) {
      const where = `${file}: ${doc.kind}/${doc.metadata ? doc.metadata.name : "?"}`;
      if (doc.kind === "Kustomization") {
        for (const r of doc.resources || [])
          if (!fs.existsSync(path.join(path.dirname(file), r)))
            throw new Error(`${where}: resource '${r}' missing`);
        console.log(`ok ${where}`);
        continue;
      }
      // "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1
      const mod = await import(`kubernetes-models/${doc.apiVersion}`);
      const Model = mod[doc.kind];
      if (!Model) throw new Error(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      new Model(doc).validate();
      const tmpl = doc.spec && doc.spec.template ? doc.spec.template.spec : doc.kind === "Pod" ? doc.spec : null;
      if (tmpl) podChecks(tmpl, where);
      console.log(`ok ${where}`);
    }
  } catch (e) {
    console.log(`INVALID ${file}: ${e.message}`);
    bad++;
  }
}
process.exit(bad ? 1 : 0);
