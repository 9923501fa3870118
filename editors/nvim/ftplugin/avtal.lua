-- Buffer options for Avtal: `//` comments, two-space indentation (as
-- `avtal fmt` writes).
vim.bo.commentstring = '// %s'
vim.bo.comments = ':///,://'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.tabstop = 2
vim.bo.softtabstop = 2

-- Tree-sitter highlighting (0.9 and later) when the avtal parser is
-- installed (docs/editors.md); without it, nothing changes.
if vim.treesitter.start ~= nil then
  pcall(vim.treesitter.start)
end
