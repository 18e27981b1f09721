import { TABLE_DOCS, TABLES, type TableName, TYPES } from "./tables.js";

/**
 * The README's table of tables and columns, printed from tables.ts (an enum with its values),
 * so the README says what the files hold:
 *   node --import tsx -e 'import("./src/export/docs.ts").then((d) => console.log(d.columnsMarkdown()))'
 */
export function columnsMarkdown(): string {
  return (Object.keys(TABLES) as TableName[])
    .map((name) =>
      [
        `**${name}**: ${TABLE_DOCS[name]}`,
        "",
        "| column | type | |",
        "|---|---|---|",
        ...TABLES[name].map(
          ([c, type, doc]) => `| ${c} | ${TYPES[type] ?? type} | ${doc.replaceAll("|", "\\|")} |`,
        ),
      ].join("\n"),
    )
    .join("\n\n");
}
