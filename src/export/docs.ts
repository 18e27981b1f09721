import { TABLE_DOCS, TABLES, type TableName } from "./tables.js";

/** The README's table of tables and columns, printed from tables.ts: print it with
 * `node --import tsx -e 'import("./src/export/docs.ts").then((d) => console.log(d.columnsMarkdown()))'`. */
export function columnsMarkdown(): string {
  return (Object.keys(TABLES) as TableName[])
    .map((name) =>
      [
        `**${name}**: ${TABLE_DOCS[name]}`,
        "",
        "| column | type | |",
        "|---|---|---|",
        ...TABLES[name].map(([c, type, doc]) => `| ${c} | ${type} | ${doc.replaceAll("|", "\\|")} |`),
      ].join("\n"),
    )
    .join("\n\n");
}
