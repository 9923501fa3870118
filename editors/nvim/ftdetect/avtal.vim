" Avtal files (Vimscript, so that every Neovim from 0.7 on reads it).
autocmd BufRead,BufNewFile *.avtal setfiletype avtal
